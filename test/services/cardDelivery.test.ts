import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertApprovalCard } from '../../src/db/approvalCards.ts';
import { createLogger } from '../../src/logger.ts';
import { createCardDeliverer, type CardPost, type CardSender } from '../../src/services/approvals/cardDelivery.ts';
import { queueCardPost } from '../../src/services/approvals/cardQueue.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const ADMIN_CHAT_ID = -100777;
const logger = createLogger('silent');
let db: TestDatabase;
let nextMessageId = 1;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.query('DELETE FROM card_deliveries');
  await db.query('DELETE FROM approval_cards');
});

/** A sender as Telegram would take it: each post recorded as the real one is, a little later; `before` may fail it. */
function recordingSender(before: (post: CardPost) => Promise<void> = () => Promise.resolve()) {
  const posted: number[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const sender: CardSender = {
    async post(post) {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        await before(post);
        await new Promise((resolve) => setTimeout(resolve, 2));
        posted.push(post.id);
        nextMessageId += 1;
        await insertApprovalCard(db.pool, { kind: post.kind, requestId: post.id, chatId: ADMIN_CHAT_ID, messageId: nextMessageId });
      } finally {
        inFlight -= 1;
      }
    },
    refresh: () => Promise.resolve(),
  };
  return { sender, posted, mostInFlight: () => mostInFlight };
}

const queuePosts = (ids: readonly number[]) => db.pool.transaction(async (tx) => {
  for (const id of ids) await queueCardPost(tx, 'deposit', id);
});

describe('the card queue', () => {
  it('posts each card once and in order with three instances delivering at once, one card at a time', async () => {
    const ids = Array.from({ length: 20 }, (_, index) => 1000 + index);
    await queuePosts(ids);
    const { sender, posted, mostInFlight } = recordingSender();
    const instances = [1, 2, 3].map(() => createCardDeliverer({ pool: db.pool, send: sender, adminChatId: ADMIN_CHAT_ID, logger }));
    // An instance that finds another's card in flight stops; the one delivering goes on to the next card.
    const remaining = async () => (await db.query('SELECT 1 FROM card_deliveries')).length;
    while ((await remaining()) > 0) await Promise.all(instances.flatMap((instance) => [instance.deliverDue(), instance.deliverDue()]));
    await Promise.all(instances.map((instance) => instance.stop()));
    expect(posted).toEqual(ids);
    expect(mostInFlight()).toBe(1);
  });

  it('retries a post that failed after its photos went out by replying to them, not sending them again', async () => {
    await queuePosts([2000]);
    const attempts: (number | null)[] = [];
    const { sender, posted } = recordingSender(async (post) => {
      attempts.push(post.photosMessageId);
      if (post.photosMessageId === null) {
        await post.photosSent(555);
        throw new Error('Telegram did not answer in time');
      }
    });
    const deliverer = createCardDeliverer({ pool: db.pool, send: sender, adminChatId: ADMIN_CHAT_ID, logger });
    expect(await deliverer.deliverDue()).toBe(0);
    expect(await db.query('SELECT attempts, last_error, next_attempt_at > now() + interval \'20 seconds\' AS later FROM card_deliveries')).toEqual([
      { attempts: 1, last_error: 'Telegram did not answer in time', later: true },
    ]);
    await db.query('UPDATE card_deliveries SET next_attempt_at = now()');
    expect(await deliverer.deliverDue()).toBe(1);
    expect(attempts).toEqual([null, 555]);
    expect(posted).toEqual([2000]);
    await deliverer.stop();
  });

  it('takes over a card whose instance died holding it once the lease ends, without posting a card it had recorded', async () => {
    await queuePosts([3000, 3001]);
    // The dead instance had claimed 3000 and recorded its card, but not finished the delivery.
    await db.query("UPDATE card_deliveries SET leased_until = now() + interval '5 minutes', attempts = 1 WHERE request_id = 3000");
    await insertApprovalCard(db.pool, { kind: 'deposit', requestId: 3000, chatId: ADMIN_CHAT_ID, messageId: 9999 });
    const { sender, posted } = recordingSender();
    const deliverer = createCardDeliverer({ pool: db.pool, send: sender, adminChatId: ADMIN_CHAT_ID, logger });
    // While its lease lasts, nothing goes: 3001 must not overtake it.
    expect(await deliverer.deliverDue()).toBe(0);
    expect(posted).toEqual([]);
    await db.query("UPDATE card_deliveries SET leased_until = now() - interval '1 second' WHERE request_id = 3000");
    expect(await deliverer.deliverDue()).toBe(2);
    expect(posted).toEqual([3001]);
    await deliverer.stop();
  });

  it('gives the card in progress back when stopping, if Telegram holds it longer than the grace', async () => {
    await queuePosts([4000]);
    let started = false;
    const stuck: CardSender = {
      post: () => {
        started = true;
        return new Promise<void>(() => undefined);
      },
      refresh: () => Promise.resolve(),
    };
    const deliverer = createCardDeliverer({ pool: db.pool, send: stuck, adminChatId: ADMIN_CHAT_ID, logger });
    void deliverer.deliverDue();
    await expect.poll(() => started).toBe(true);
    await deliverer.stop();
    // Due again at once for the next instance, its attempt undone.
    expect(await db.query('SELECT attempts, leased_until, next_attempt_at <= now() AS due FROM card_deliveries')).toEqual([{ attempts: 0, leased_until: null, due: true }]);
  });
});
