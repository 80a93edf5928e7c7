import { BotError, webhookCallback, type Bot } from 'grammy';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { BotContext } from './context.ts';
import type { Logger } from './logger.ts';
import { UpdateLeftUnfinished } from './middleware/inFlight.ts';

export interface WebhookOptions {
  /** The public URL Telegram posts to; only its path is served here. */
  url: string;
  secret: string;
  port: number;
  host?: string;
}

/** Whether this instance can serve: the database answers. */
export type HealthCheck = () => Promise<boolean>;

export const HEALTH_PATH = '/healthz';

/** Another endpoint on the same port (Paystack's webhooks). */
export interface HttpRoute {
  method: string;
  path: string;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

/** Serves the request when a route takes it; a route that fails answers 500. */
function serveRoute(request: IncomingMessage, response: ServerResponse, routes: readonly HttpRoute[], logger: Logger): boolean {
  const route = routes.find((candidate) => candidate.method === request.method && candidate.path === request.url?.split('?')[0]);
  if (!route) return false;
  route.handle(request, response).catch((error: unknown) => {
    logger.error({ err: error, path: route.path }, 'request failed');
    if (!response.headersSent) response.writeHead(500).end();
  });
  return true;
}

/** GET /healthz: 200 while the database answers, 503 otherwise (a load balancer then sends updates elsewhere). */
function serveHealth(request: IncomingMessage, response: ServerResponse, health: HealthCheck): boolean {
  if (request.url?.split('?')[0] !== HEALTH_PATH || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
  void health().then((ok) => {
    const body = JSON.stringify({ status: ok ? 'ok' : 'unavailable', database: ok ? 'reachable' : 'unreachable' });
    response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : body);
  });
  return true;
}

async function listen(server: Server, port: number, host: string | undefined): Promise<Server> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host ?? '0.0.0.0', resolve);
  });
  return server;
}

/**
 * Serves Telegram's webhook POSTs on the URL's path, and /healthz. grammY checks the secret token header: a
 * request without the right one gets 401 and is not processed. The 200 goes out once the update is handled,
 * however long that takes (a second delivery meanwhile waits for it, then is skipped); an update the shutdown
 * left unfinished gets 503, so Telegram sends it again (to another instance, or after the restart).
 */
export async function startWebhookServer(
  bot: Bot<BotContext>,
  options: WebhookOptions,
  health: HealthCheck,
  logger: Logger,
  routes: readonly HttpRoute[] = [],
): Promise<Server> {
  const path = new URL(options.url).pathname;
  const handleUpdate = webhookCallback(bot, 'http', { secretToken: options.secret, timeoutMilliseconds: Number.POSITIVE_INFINITY });
  const server = createServer((request, response) => {
    if (serveHealth(request, response, health) || serveRoute(request, response, routes, logger)) return;
    if (request.method !== 'POST' || request.url?.split('?')[0] !== path) {
      response.writeHead(404).end();
      return;
    }
    handleUpdate(request, response).catch((error: unknown) => {
      const unfinished = error instanceof BotError && error.error instanceof UpdateLeftUnfinished;
      if (!unfinished) logger.error({ err: error }, 'webhook request failed');
      if (!response.headersSent) response.writeHead(unfinished ? 503 : 500).end();
    });
  });
  await listen(server, options.port, options.host);
  logger.info({ port: options.port, path }, 'webhook server listening');
  return server;
}

/** In long-polling mode, /healthz (when PORT is set) and the other routes (Paystack's webhooks). */
export async function startHealthServer(port: number, health: HealthCheck, logger: Logger, host?: string, routes: readonly HttpRoute[] = []): Promise<Server> {
  const server = createServer((request, response) => {
    if (!serveHealth(request, response, health) && !serveRoute(request, response, routes, logger)) response.writeHead(404).end();
  });
  await listen(server, port, host);
  logger.info({ port, path: HEALTH_PATH }, 'health check listening');
  return server;
}
