import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Api } from 'grammy';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { telegramNotificationSender } from '../../src/features/notifications/sender.ts';
import { createLogger } from '../../src/logger.ts';
import { createAdminService } from '../../src/services/accounts/admins.ts';
import { createBroadcastService } from '../../src/services/notifications/broadcasts.ts';
import { createNotificationDelivery, RateLimitedError, RecipientUnreachableError, type OutgoingNotification } from '../../src/services/notifications/delivery.ts';
import { notifyUser } from '../../src/services/notifications/outbox.ts';
import { createMediaStore } from '../../src/services/platform/mediaStore.ts';
import { createApiPlugins, type SendingLimits } from '../../src/telegram/apiPlugins.ts';
import { FAST_SENDING_LIMITS } from '../support/bot.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { FakeTelegram } from '../support/fakeTelegram/index.ts';
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

describe('fencing: a notification goes out once, whichever delivery holds it', () => {
  let tg: FakeTelegram;
  beforeEach(async () => {
    // Only this block's notifications are due.
    await db.query('UPDATE notifications SET next_attempt_at = NULL WHERE sent_at IS NULL');
    tg = await FakeTelegram.start();
  });
  afterEach(async () => {
    await tg.stop();
  });

  /** A user registered with the bot and known to the fake Telegram (they started the bot). */
  async function reachableUser(): Promise<{ id: number; telegramId: number }> {
    const made = await user();
    tg.createUser({ id: made.telegramId, first_name: 'Nana' });
    return made;
  }

  /** The real sender, through the bulk lane's pace, retries and cut-off, to the fake Telegram. */
  function telegramSender(limits: SendingLimits = FAST_SENDING_LIMITS) {
    const api = new Api(tg.token, { apiRoot: tg.apiRoot });
    createApiPlugins(limits).installForNotifications(api);
    return telegramNotificationSender(api, createMediaStore({ dataDir: tmpdir() }));
  }
  const shortLease = { leaseSeconds: 3, sendDeadlineSeconds: 1 };
  const texts = (telegramId: number) => tg.messages(telegramId).map((message) => message.text);

  it('abandons a batch stuck behind a slow send at the cut-off, so the delivery that takes the rows over sends them once', async () => {
    const [kofi, esi] = [await reachableUser(), await reachableUser()];
    const [slow, behind] = [await notify(kofi.id, 'slow'), await notify(esi.id, 'behind')];
    // One call in flight at a time: Esi's waits in the pace behind Kofi's, which Telegram does not answer.
    const release = tg.hold('sendMessage');
    const first = createNotificationDelivery({ pool: db.pool, send: telegramSender({ ...FAST_SENDING_LIMITS, inFlight: 1 }), logger, timing: shortLease });
    const running = first.deliverDue();
    await expect.poll(() => tg.heldCalls('sendMessage')).toBe(1);
    expect(await running).toBe(0);
    expect(await row(behind)).toMatchObject({ sent_at: null, attempts: 1 });

    // The rows are due again (their retry came); another delivery takes them and sends them, and Telegram answers again.
    await db.query('UPDATE notifications SET next_attempt_at = now() WHERE id = ANY($1)', [[slow, behind]]);
    release();
    const second = createNotificationDelivery({ pool: db.pool, send: telegramSender(), logger, timing: shortLease });
    expect(await second.deliverDue()).toBe(2);
    await tg.settle(300);
    // The first delivery's calls, held or waiting for their turn, never reached Telegram after its cut-off.
    expect(texts(kofi.telegramId)).toEqual(['Test\nslow']);
    expect(texts(esi.telegramId)).toEqual(['Test\nbehind']);
  });

  it('records a send made after another delivery took the row over only once, under the claim that holds it', async () => {
    const ama = await reachableUser();
    const id = await notify(ama.id, 'once');
    let finishSlowSend: () => void = () => undefined;
    const slowSend = new Promise<void>((resolve) => {
      finishSlowSend = resolve;
    });
    const first = createNotificationDelivery({ pool: db.pool, send: () => slowSend, logger });
    const running = first.deliverTo(ama.id);
    await expect.poll(async () => (await row(id))?.attempts).toBe(1);
    // Its lease ends (the process stalled); another delivery claims the row and sends it.
    await db.query("UPDATE notifications SET next_attempt_at = now() - interval '1 second' WHERE id = $1", [id]);
    const second = createNotificationDelivery({ pool: db.pool, send: () => Promise.resolve(), logger });
    expect(await second.deliverTo(ama.id)).toBe(1);
    const [recorded] = await db.query<{ sent_at: Date; claim_token: string }>('SELECT sent_at, claim_token FROM notifications WHERE id = $1', [id]);
    await sleep(20);
    finishSlowSend();
    await running;
    // The first delivery's late success changed nothing: one send recorded, the second claim's.
    expect(await db.query('SELECT sent_at, claim_token FROM notifications WHERE id = $1', [id])).toEqual([recorded]);
    expect(await row(id)).toMatchObject({ attempts: 2, last_error: null, retry_in_s: null });
  });

  it('abandons a send Telegram keeps answering 429 at the cut-off, and sends nothing after it', async () => {
    const yaw = await reachableUser();
    const id = await notify(yaw.id, 'rate limited');
    // Two 429s a second apart: auto-retry's third try would succeed, two seconds in, after the cut-off.
    tg.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }, { times: 2 });
    const delivery = createNotificationDelivery({ pool: db.pool, send: telegramSender(), logger, timing: shortLease });
    const started = Date.now();
    expect(await delivery.deliverTo(yaw.id)).toBe(0);
    expect(Date.now() - started).toBeLessThan(1_900);
    expect(await row(id)).toMatchObject({ sent_at: null, attempts: 1 });
    await sleep(2_500);
    expect(texts(yaw.telegramId)).toEqual([]);
  });

  it('refuses a cut-off that would let a send outlast its lease', () => {
    expect(() => createNotificationDelivery({ pool: db.pool, send: () => Promise.resolve(), logger, timing: { leaseSeconds: 2, sendDeadlineSeconds: 2 } })).toThrow(
      'a notification send must be cut off before its lease ends',
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
