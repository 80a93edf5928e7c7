import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createAdminService } from '../../src/services/accounts/admins.ts';
import { createBroadcastService } from '../../src/services/notifications/broadcasts.ts';
import { createNotificationDelivery, RateLimitedError, RecipientUnreachableError, type OutgoingNotification } from '../../src/services/notifications/delivery.ts';
import { notifyUser } from '../../src/services/notifications/outbox.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { seedUser } from '../support/users.ts';

let db: TestDatabase;
const logger = createLogger('silent');

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

let nextTelegramId = 60_000;
async function user(): Promise<{ id: number; telegramId: number }> {
  nextTelegramId += 1;
  const row = await seedUser(db, { id: nextTelegramId, first_name: 'Nana', last_name: 'Ofori', username: undefined });
  return { id: row.id, telegramId: nextTelegramId };
}

async function notify(userId: number, message: string): Promise<number> {
  return db.pool.transaction((tx) => notifyUser(tx, userId, { type: 'TEST', title: 'Test', message }));
}

async function row(id: number) {
  const [found] = await db.query<{ sent_at: Date | null; attempts: number; last_error: string | null; retry_in_s: number | null }>(
    'SELECT sent_at, attempts, last_error, extract(epoch FROM next_attempt_at - now())::int AS retry_in_s FROM notifications WHERE id = $1',
    [id],
  );
  return found;
}

describe('notification delivery (outbox)', () => {
  it('delivers each due notification once, even with two deliveries running at once', async () => {
    const nana = await user();
    const ids = await Promise.all(Array.from({ length: 30 }, (_, index) => notify(nana.id, `message ${index}`)));
    const sent: OutgoingNotification[] = [];
    const send = async (notification: OutgoingNotification) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      sent.push(notification);
    };
    const one = createNotificationDelivery({ pool: db.pool, send, logger });
    const two = createNotificationDelivery({ pool: db.pool, send, logger });
    const [a, b] = await Promise.all([one.deliverDue(), two.deliverDue()]);
    expect(a + b).toBe(30);
    expect(sent.filter((notification) => notification.telegramId === nana.telegramId)).toHaveLength(30);
    expect(new Set(sent.map((notification) => notification.message)).size).toBe(30);
    for (const id of ids) expect((await row(id))?.sent_at).toBeInstanceOf(Date);
  });

  it('retries a failed send later with backoff, then delivers it', async () => {
    const kwaku = await user();
    const id = await notify(kwaku.id, 'payout approved');
    let failing = true;
    const delivery = createNotificationDelivery({
      pool: db.pool,
      logger,
      send: (notification) => {
        if (notification.telegramId !== kwaku.telegramId) return Promise.resolve();
        return failing ? Promise.reject(new Error('Internal Server Error')) : Promise.resolve();
      },
    });
    await delivery.deliverDue();
    expect(await row(id)).toMatchObject({ sent_at: null, attempts: 1, last_error: 'Internal Server Error' });
    expect((await row(id))?.retry_in_s).toBeGreaterThan(20);

    failing = false;
    await db.query("UPDATE notifications SET next_attempt_at = now() WHERE id = $1", [id]);
    await delivery.deliverDue();
    expect((await row(id))?.sent_at).toBeInstanceOf(Date);
  });

  it('marks a user who blocked the bot and skips their later notifications', async () => {
    const ama = await user();
    const first = await notify(ama.id, 'first');
    const calls: number[] = [];
    const delivery = createNotificationDelivery({
      pool: db.pool,
      logger,
      send: (notification) => {
        calls.push(notification.telegramId);
        return notification.telegramId === ama.telegramId
          ? Promise.reject(new RecipientUnreachableError('Forbidden: bot was blocked by the user'))
          : Promise.resolve();
      },
    });
    await delivery.deliverDue();
    expect(await row(first)).toMatchObject({ sent_at: null, retry_in_s: null, last_error: 'Forbidden: bot was blocked by the user' });
    const [blocked] = await db.query<{ bot_blocked_at: Date | null }>('SELECT bot_blocked_at FROM users WHERE id = $1', [ama.id]);
    expect(blocked?.bot_blocked_at).toBeInstanceOf(Date);

    const second = await notify(ama.id, 'second');
    const before = calls.filter((id) => id === ama.telegramId).length;
    await delivery.deliverDue();
    expect(calls.filter((id) => id === ama.telegramId).length).toBe(before);
    expect(await row(second)).toMatchObject({ sent_at: null, retry_in_s: null });
  });
  it('never sends twice when a claim runs out and another delivery takes it over: the first stops before the send and records nothing', async () => {
    const kwame = await user();
    const slow = await notify(kwame.id, 'slow');
    const next = await notify(kwame.id, 'next');
    const sends: { by: string; message: string }[] = [];
    let failSlow: (error: Error) => void = () => undefined;
    const stuck = new Promise<void>((_resolve, reject) => {
      failSlow = reject;
    });
    // Delivery A: the first of Kwame's notifications hangs (Telegram slow, 429s) and in the end fails.
    const first = createNotificationDelivery({
      pool: db.pool,
      logger,
      send: (notification) => {
        if (notification.telegramId !== kwame.telegramId) return Promise.resolve();
        sends.push({ by: 'A', message: notification.message });
        return notification.message === 'slow' ? stuck : Promise.resolve();
      },
    });
    const running = first.deliverDue();
    const claimed = async (id: number) => (await db.query<{ claimed: boolean }>('SELECT claim_token IS NOT NULL AS claimed FROM notifications WHERE id = $1', [id]))[0]?.claimed;
    // A sends nothing more of Kwame's while his first hangs: his notices arrive in order.
    await expect.poll(() => sends.length).toBe(1);
    expect(await claimed(next)).toBe(false);

    // Both leases run out; delivery B claims the rows again and sends them.
    await db.query("UPDATE notifications SET next_attempt_at = now() - interval '1 second' WHERE id = ANY($1)", [[slow, next]]);
    const second = createNotificationDelivery({
      pool: db.pool,
      logger,
      send: (notification) => {
        if (notification.telegramId === kwame.telegramId) sends.push({ by: 'B', message: notification.message });
        return Promise.resolve();
      },
    });
    // A still holds the backlog's lock, so B delivers Kwame's as after a decision about his request.
    await second.deliverTo(kwame.id);
    await second.deliverTo(kwame.id);

    failSlow(new Error('Network request failed'));
    await running;
    // A's late failure changed nothing, and it did not send the row B had taken over.
    expect(sends).toEqual([
      { by: 'A', message: 'slow' },
      { by: 'B', message: 'slow' },
      { by: 'B', message: 'next' },
    ]);
    for (const id of [slow, next]) expect(await row(id)).toMatchObject({ sent_at: expect.any(Date) as unknown, last_error: null, retry_in_s: null });
    await db.query("UPDATE notifications SET next_attempt_at = now() WHERE next_attempt_at IS NOT NULL AND user_id = $1", [kwame.id]);
    await second.deliverDue();
    expect(sends).toHaveLength(3);
  });

  it("sends one notification per user a batch, so a user with many waiting never holds up the others", async () => {
    const busy = await user();
    const other = await user();
    for (let index = 1; index <= 30; index += 1) await notify(busy.id, `fill ${index}`);
    await notify(other.id, 'your deposit was approved');
    const sent: OutgoingNotification[] = [];
    const delivery = createNotificationDelivery({
      pool: db.pool,
      logger,
      send: (notification) => {
        sent.push(notification);
        return Promise.resolve();
      },
    });
    expect(await delivery.deliverDue()).toBe(31);
    // The first batch: the busy user's oldest and the other user's, then the busy user's one a batch, in order.
    expect(sent.slice(0, 2).map((notification) => notification.message)).toEqual(['fill 1', 'your deposit was approved']);
    expect(sent.filter((notification) => notification.telegramId === busy.telegramId).map((notification) => notification.message)).toEqual(
      Array.from({ length: 30 }, (_, index) => `fill ${index + 1}`),
    );
  });
});

describe('priorities and pace', () => {
  const ADMIN = { id: 60_999, first_name: 'Kofi', last_name: 'Admin' };
  const broadcasts = () => createBroadcastService({ pool: db.pool, admins: createAdminService({ pool: db.pool, adminIds: [ADMIN.id] }) });

  it('sends urgent notifications before a broadcast backlog, and stops a backlog at shutdown but not what is urgent', async () => {
    const crowd = await Promise.all(Array.from({ length: 60 }, () => user()));
    const started = await broadcasts().start({ requestKey: '00000000-0000-4000-8000-000000000001', message: '<b>Hello</b> all', from: ADMIN });
    expect(started.status === 'started' && started.recipients).toBeGreaterThanOrEqual(60);
    const urgent = crowd[59];
    if (!urgent) throw new Error('no user');
    await notify(urgent.id, 'your payout was approved');

    const sent: OutgoingNotification[] = [];
    let stopping: Promise<void> | undefined;
    const delivery = createNotificationDelivery({
      pool: db.pool,
      logger,
      send: async (notification) => {
        sent.push(notification);
        // Shutdown arrives while the first batch is out: that batch finishes, no further one starts.
        if (sent.length === 1) stopping = delivery.stop();
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    });
    await delivery.deliverDue();
    await stopping;
    expect(sent[0]).toMatchObject({ telegramId: urgent.telegramId, message: 'your payout was approved', format: 'text' });
    expect(sent.length).toBe(25);
    expect(sent.filter((notification) => notification.format === 'html').every((notification) => notification.message === '<b>Hello</b> all')).toBe(true);
    const [left] = await db.query<{ count: number; later: number; attempted: number }>(
      `SELECT count(*)::int AS count, count(*) FILTER (WHERE next_attempt_at > now())::int AS later, count(*) FILTER (WHERE attempts > 0)::int AS attempted
         FROM notifications WHERE notification_type = 'BROADCAST' AND sent_at IS NULL`,
    );
    expect(left?.count).toBeGreaterThan(0);
    // The batch claimed while the last one went out is given back: due at the next start, no attempt used.
    expect(left).toMatchObject({ later: 0, attempted: 0 });
    await db.query("UPDATE notifications SET next_attempt_at = NULL WHERE notification_type = 'BROADCAST'");
  });

  it('reschedules a notification Telegram still refused with 429 after its retries, without using up an attempt', async () => {
    const esi = await user();
    const id = await notify(esi.id, 'sale complete');
    const delivery = createNotificationDelivery({
      pool: db.pool,
      logger,
      send: (notification) => (notification.telegramId === esi.telegramId ? Promise.reject(new RateLimitedError('Too Many Requests: retry after 42', 42)) : Promise.resolve()),
    });
    await delivery.deliverDue();
    const after = await row(id);
    expect(after).toMatchObject({ sent_at: null, attempts: 0, last_error: 'Too Many Requests: retry after 42' });
    expect(after?.retry_in_s).toBeGreaterThan(38);
    expect(after?.retry_in_s).toBeLessThanOrEqual(42);
  });

  it('writes one row per reachable user once, whatever the repeats, and resumes writing after a crash', async () => {
    const service = broadcasts();
    const key = '00000000-0000-4000-8000-000000000002';
    const audience = await service.audience();
    const first = await service.start({ requestKey: key, message: 'Twice?', from: ADMIN });
    const again = await service.start({ requestKey: key, message: 'Twice?', from: ADMIN });
    if (first.status !== 'started' || again.status !== 'started') throw new Error('not started');
    expect(again.broadcast.id).toBe(first.broadcast.id);
    expect(first.recipients).toBe(audience);
    expect(again.recipients).toBe(audience);

    // A crash half-way through writing: the mark says where to go on.
    const crashed = await service.start({ requestKey: '00000000-0000-4000-8000-000000000003', message: 'Resumed', from: ADMIN });
    if (crashed.status !== 'started') throw new Error('not started');
    const [middle] = await db.query<{ id: string }>('SELECT id FROM users ORDER BY id OFFSET 20 LIMIT 1');
    await db.query('DELETE FROM notifications WHERE broadcast_id = $1 AND user_id > $2', [crashed.broadcast.id, middle?.id]);
    await db.query('UPDATE broadcasts SET queued_at = NULL, queued_up_to_user_id = $2 WHERE id = $1', [crashed.broadcast.id, middle?.id]);
    await service.queueRemaining(crashed.broadcast.id);
    const rows = await db.query<{ count: number; users: number }>('SELECT count(*)::int AS count, count(DISTINCT user_id)::int AS users FROM notifications WHERE broadcast_id = $1', [crashed.broadcast.id]);
    expect(rows).toEqual([{ count: audience, users: audience }]);
    expect((await service.start({ requestKey: '00000000-0000-4000-8000-000000000004', message: 'x', from: { id: 1, first_name: 'Nobody' } })).status).toBe('not_admin');
    await db.query("UPDATE notifications SET next_attempt_at = NULL WHERE notification_type = 'BROADCAST'");
  });

  it('checks a broadcast as the Telegram HTML subset, from typed tags and Telegram formatting alike', () => {
    const service = broadcasts();
    expect(service.prepare('<b>Rates</b> & <i>more</i>')).toEqual({ ok: false, reason: 'That is not valid Telegram HTML: “&” is not a valid HTML entity; write & as &amp;.' });
    expect(service.prepare('<b>Rates</b> &amp; <i>more</i>')).toEqual({ ok: true, value: '<b>Rates</b> &amp; <i>more</i>' });
    expect(service.prepare('<script>x</script>')).toEqual({ ok: false, reason: 'That is not valid Telegram HTML: The tag <script> is not allowed here.' });
    expect(service.prepare('<b>open')).toEqual({ ok: false, reason: 'That is not valid Telegram HTML: The tag <b> is never closed.' });
    expect(service.prepare('<a href="javascript:alert(1)">x</a>').ok).toBe(false);
    // Bold made with Telegram's own tools, a link typed as a tag.
    expect(service.prepare('New rates: <a href="https://example.com">see</a>', [{ type: 'bold', offset: 0, length: 9 }])).toEqual({
      ok: true,
      value: '<b>New rates</b>: <a href="https://example.com">see</a>',
    });
    expect(service.prepare('   ')).toEqual({ ok: false, reason: 'The message is empty. Type the text to send.' });
    expect(service.prepare('x'.repeat(4080)).ok).toBe(true);
    expect(service.prepare('x'.repeat(4081))).toEqual({ ok: false, reason: 'The message is 4,081 characters long; the most is 4,080. Shorten it.' });
  });
});
