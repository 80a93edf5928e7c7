import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyUser } from '../src/services/notifications/outbox.ts';
import { ADMIN_CHAT_ID, TEST_STATE_SECRET } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type TestUser } from './support/fakeTelegram/index.ts';
import { FakeRates } from './support/fakeRates.ts';
import { startBotProcess, unusedPort, type BotProcess } from './support/process.ts';
import { seedUser } from './support/users.ts';

const SECRET = 'load-balanced-secret-123';

let db: TestDatabase;
let tg: FakeTelegram;
let rates: FakeRates;
let dataDir: string;
const instances: { process: BotProcess; url: string }[] = [];

/** The update ids an instance handled for a chat, from its log. */
function handledFor(instance: BotProcess, chatId: number): number[] {
  return instance
    .stdout()
    .split('\n')
    .filter((line) => line.includes('"msg":"update handled"'))
    .map((line) => JSON.parse(line) as { update_id: number; chat_id?: number })
    .filter((entry) => entry.chat_id === chatId)
    .map((entry) => entry.update_id);
}

beforeAll(async () => {
  db = await createTestDatabase();
  tg = await FakeTelegram.start();
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
  rates = await FakeRates.start();
  rates.setPrice('USDT', 15.1);
  dataDir = await mkdtemp(path.join(tmpdir(), 'tradebot-instances-'));
  for (let index = 0; index < 2; index += 1) {
    const port = await unusedPort();
    const process = startBotProcess({
      BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      ADMIN_CHAT_ID: String(ADMIN_CHAT_ID),
      DATABASE_URL: db.url,
      // One DATA_DIR for both, as a shared volume: media stored by one are served by the other.
      DATA_DIR: dataDir,
      STATE_SECRET: TEST_STATE_SECRET,
      WEBHOOK_URL: 'https://bot.example.com/telegram',
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      COINGECKO_API_URL: rates.url,
    });
    instances.push({ process, url: `http://127.0.0.1:${port}/telegram` });
  }
  await Promise.all(instances.map((instance) => instance.process.waitForLog('"msg":"bot started"', 30_000)));
  expect(tg.webhook).toMatchObject({ url: 'https://bot.example.com/telegram', has_secret: true });
}, 60_000);

afterAll(async () => {
  for (const instance of instances) expect(await instance.process.stop()).toBe(0);
  await tg.stop();
  await rates.stop();
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
});

async function register(user: TestUser, email: string): Promise<void> {
  await user.send('/start');
  await user.tap(await tg.waitForMessage(user.id, 'Do you accept these terms?'), '✅ I accept');
  await tg.waitForMessage(user.id, 'What is your e-mail address?');
  await user.send(email);
  await tg.waitForMessage(user.id, 'What is your phone number?');
  await user.send('024 123 4567');
  await tg.waitForMessage(user.id, 'Phone number saved: +233241234567');
  await user.tap(await tg.waitForMessage(user.id, 'What is your first name'), /^Keep/);
  await user.tap(await tg.waitForMessage(user.id, 'What is your last name'), /^Keep/);
  await tg.waitForMessage(user.id, 'Choose a transaction PIN');
  await user.send('582039');
  await tg.waitForMessage(user.id, 'Type the same PIN again');
  await user.send('582039');
  await user.tap(await tg.waitForMessage(user.id, 'Please check your details'), '✅ Confirm');
  await tg.waitForMessage(user.id, 'Welcome aboard');
}

describe('two bot processes in webhook mode behind one URL, on one database', () => {
  it('continues a conversation on whichever instance gets the next update', async () => {
    const delivery = tg.deliverWebhook({ targets: instances.map((instance) => instance.url) });
    const ama = tg.createUser({ id: 61001, first_name: 'Ama', last_name: 'Mensah', username: 'ama61001' });
    await register(ama, 'ama.instances@example.com');
    await tg.settle();

    // The load balancer alternated: each instance handled about half of the user's updates (read from their logs,
    // which reach stdout within a second).
    await expect.poll(() => instances.every((instance) => handledFor(instance.process, ama.id).length >= 4), { timeout: 3_000 }).toBe(true);
    const [first, second] = instances.map((instance) => handledFor(instance.process, ama.id));
    expect(first?.length).toBeGreaterThanOrEqual(4);
    expect(second?.length).toBeGreaterThanOrEqual(4);
    expect(new Set([...(first ?? []), ...(second ?? [])]).size).toBe((first?.length ?? 0) + (second?.length ?? 0));
    // Every question was asked once, and the account exists once with what was typed on either instance.
    for (const question of ['What is your e-mail address?', 'What is your phone number?', 'Choose a transaction PIN', 'Please check your details']) {
      expect(tg.messages(ama.id).filter((message) => message.text?.includes(question))).toHaveLength(1);
    }
    expect(await db.query('SELECT email, phone FROM users WHERE telegram_id = $1', [ama.id])).toEqual([{ email: 'ama.instances@example.com', phone: '+233241234567' }]);
    expect(await db.query('SELECT count(*)::int AS count FROM conversation_states')).toEqual([{ count: 0 }]);
    expect(delivery.undelivered).toEqual([]);
    expect(tg.rejectedCalls).toEqual([]);
  });

  it('handles one chat in order across instances even when two of its updates arrive at once', async () => {
    const delivery = tg.deliverWebhook({ targets: instances.map((instance) => instance.url), inOrderPerChat: false });
    const kojo = tg.createUser({ id: 61002, first_name: 'Kojo', last_name: 'Asante', username: 'kojo61002' });
    await kojo.send('/start');
    await kojo.tap(await tg.waitForMessage(kojo.id, 'Do you accept these terms?'), '✅ I accept');
    await tg.waitForMessage(kojo.id, 'What is your e-mail address?');
    // Two answers at the same moment, one to each instance: one answers the e-mail question, the other the next.
    await Promise.all([kojo.send('kojo.first@example.com'), kojo.send('kojo.second@example.com')]);
    await tg.waitForMessage(kojo.id, "That doesn't look like a Ghana phone number");
    await tg.settle();
    expect(tg.messages(kojo.id).filter((message) => message.text?.startsWith('What is your phone number?'))).toHaveLength(1);
    expect(delivery.undelivered).toEqual([]);
  });

  it('delivers a batch of notifications once in all, one instance at a time, though both instances run the outbox job', async () => {
    tg.deliverWebhook({ targets: instances.map((instance) => instance.url) });
    const users = await Promise.all([62001, 62002, 62003, 62004].map(async (id) => seedUser(db, tg.createUser({ id, first_name: `User${id}` }))));
    // One a second per chat in all: 20 take each chat 20 seconds.
    const perUser = 20;
    for (const user of users) {
      for (let index = 1; index <= perUser; index += 1) {
        await notifyUser(db.pool, user.id, { type: 'TEST', title: 'Batch', message: `Notice ${index} for ${user.id}` });
      }
    }
    // Both instances' delivery jobs fire every 15 seconds, at the same moments.
    for (const user of users) {
      await tg.waitForMessage(Number(user.telegram_id), `Notice ${perUser} for ${user.id}`, { timeout: 40_000 });
    }
    await tg.settle(500);
    for (const user of users) {
      const texts = tg.messages(Number(user.telegram_id)).map((message) => message.text ?? '').filter((text) => text.includes(`for ${user.id}`));
      expect(texts).toHaveLength(perUser);
      expect(new Set(texts).size).toBe(perUser);
      // A chat's notices a second apart though two instances deliver: one delivers the backlog at a time, at its pace.
      const times = tg.callsTo('sendMessage').filter((call) => call.ok && Number(call.params.chat_id) === Number(user.telegram_id)).map((call) => call.time);
      for (const [index, time] of times.slice(1).entries()) expect(time - (times[index] ?? 0)).toBeGreaterThanOrEqual(1000);
    }
    // Each row was claimed exactly once (a claim counts an attempt) and is marked sent.
    expect(await db.query("SELECT attempts, sent_at IS NOT NULL AS sent, count(*)::int AS count FROM notifications WHERE notification_type = 'TEST' GROUP BY 1, 2")).toEqual([
      { attempts: 1, sent: true, count: users.length * perUser },
    ]);
  }, 60_000);

  it('runs each slot of a once-per-slot job on one instance only', async () => {
    // The price job ran at start (in its slot) and then every minute: one price fetch per claimed slot.
    const slots = async () => (await db.query<{ slots: number }>("SELECT count(*)::int AS slots FROM job_runs WHERE job = 'rates'"))[0]?.slots ?? 0;
    // A slot claimed a moment ago may still be fetching: wait for the counts to meet (a second fetch never would).
    await expect.poll(async () => rates.requests.length - (await slots()), { timeout: 5_000 }).toBe(0);
    expect(await slots()).toBeGreaterThanOrEqual(1);
  });
});
