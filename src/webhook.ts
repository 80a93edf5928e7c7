import { webhookCallback, type Bot } from 'grammy';
import { createServer, type Server } from 'node:http';
import type { BotContext } from './context.ts';
import type { Logger } from './logger.ts';

export interface WebhookOptions {
  /** The public URL Telegram posts to; only its path is served here. */
  url: string;
  secret: string;
  port: number;
  host?: string;
}

/**
 * Serves Telegram's webhook POSTs on the URL's path. grammY checks the secret token header: a request
 * without the right one gets 401 and is not processed.
 */
export async function startWebhookServer(bot: Bot<BotContext>, options: WebhookOptions, logger: Logger): Promise<Server> {
  const path = new URL(options.url).pathname;
  const handleUpdate = webhookCallback(bot, 'http', { secretToken: options.secret, onTimeout: 'return' });
  const server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url?.split('?')[0] !== path) {
      response.writeHead(404).end();
      return;
    }
    handleUpdate(request, response).catch((error: unknown) => {
      logger.error({ err: error }, 'webhook request failed');
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', resolve);
  });
  logger.info({ port: options.port, path }, 'webhook server listening');
  return server;
}
