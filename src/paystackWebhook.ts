import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger.ts';
import { WEBHOOK_BODY_LIMIT, type PaystackService } from './services/paystack/paystack.ts';
import type { HttpRoute } from './webhook.ts';
import type { NotificationDelivery } from './services/notifications/delivery.ts';
import type { CardPublisher } from './telegram/cards.ts';

/** Where Paystack posts its events (register https://<your host>/paystack/webhook in its dashboard). */
export const PAYSTACK_WEBHOOK_PATH = '/paystack/webhook';

/** What follows worked events: the notices they wrote go out, and the cards they queued (a buy marked paid). */
export function afterPaystackWork(notifications: Pick<NotificationDelivery, 'deliverDue'>, cards: Pick<CardPublisher, 'kick'>): () => Promise<unknown> {
  return () => {
    cards.kick();
    return notifications.deliverDue();
  };
}

/** The raw body, or null when it is larger than `limit` (the signature is over these exact bytes). */
async function readRawBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * POST /paystack/webhook: 401 unless the x-paystack-signature is right (checked before the body is parsed); a signed
 * event is stored once and answered 200 at once, then worked from the store (so a crash after the 200 loses nothing:
 * the events job works it after the restart). `afterWork` runs once the events are worked (the notification delivery).
 */
export function paystackWebhookRoute(paystack: PaystackService, logger: Logger, afterWork: () => Promise<unknown>): HttpRoute {
  return {
    method: 'POST',
    path: PAYSTACK_WEBHOOK_PATH,
    async handle(request: IncomingMessage, response: ServerResponse) {
      const body = await readRawBody(request, WEBHOOK_BODY_LIMIT);
      if (!body) {
        response.writeHead(413).end();
        return;
      }
      const header = request.headers['x-paystack-signature'];
      const receipt = await paystack.receiveWebhook(body, typeof header === 'string' ? header : undefined);
      if (receipt === 'unauthorized') logger.warn('a Paystack webhook with a missing or wrong signature was refused');
      response.writeHead(receipt === 'accepted' ? 200 : receipt === 'unauthorized' ? 401 : 400).end();
      // The notices the work wrote (a credit) go out right after it, not at the next delivery run.
      if (receipt === 'accepted') {
        paystack
          .processEvents()
          .then(afterWork)
          .catch((error: unknown) => logger.error({ err: error }, 'Paystack events could not be worked: the job tries again'));
      }
    },
  };
}
