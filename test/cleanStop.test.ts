import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningServerPid } from '../src/db/setup/embedded.ts';
import { createApiPlugins } from '../src/telegram/apiPlugins.ts';
import { ADMIN_CHAT_ID, FAST_SENDING_LIMITS } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram } from './support/fakeTelegram/index.ts';
import { startBotProcess, unusedPort } from './support/process.ts';

const errorLines = (output: string) => output.split('\n').filter((line) => /"level":(50|60)/.test(line));
const helpAnswers = (tg: FakeTelegram, chatId: number) => tg.messages(chatId).filter((message) => message.text?.includes('What I can do'));

describe('Telegram calls', () => {
  it('fail on a network error instead of being retried for ever', async () => {
    const api = new Api('123456:TEST-TOKEN', { apiRoot: `http://127.0.0.1:${await unusedPort()}` });
    createApiPlugins(FAST_SENDING_LIMITS).install(api);
    const started = Date.now();
    await expect(api.sendMessage(1, 'hello')).rejects.toThrow(/Network request/);
    // auto-retry alone would try again 3 s later, then 6 s … an hour apart, for ever.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('end at the cut-off, even one waiting for its place in a group minute', async () => {
    const tg = await FakeTelegram.start();
    try {
      tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
      const cutOff = new AbortController();
      const api = new Api(tg.token, { apiRoot: tg.apiRoot });
      createApiPlugins({ ...FAST_SENDING_LIMITS, groupMessagesPerMinute: 1 }, cutOff.signal).install(api);
      await api.sendMessage(ADMIN_CHAT_ID, 'first');
      const second = api.sendMessage(ADMIN_CHAT_ID, 'second');
      await sleep(200);
      const cutAt = Date.now();
      cutOff.abort(new Error('shutting down'));
      await expect(second).rejects.toThrow('shutting down');
      expect(Date.now() - cutAt).toBeLessThan(500);
      await expect(api.sendMessage(ADMIN_CHAT_ID, 'third')).rejects.toThrow('shutting down');
      expect(tg.messages(ADMIN_CHAT_ID).map((message) => message.text)).toEqual(['first']);
    } finally {
      await tg.stop();
    }
  });
});

describe('a stop while Telegram does not answer', () => {
  let db: TestDatabase;
  let tg: FakeTelegram;
  beforeAll(async () => {
    db = await createTestDatabase();
    tg = await FakeTelegram.start();
    tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
  });
  afterAll(async () => {
    await tg.stop();
    await db.drop();
  });
  const baseEnv = () => ({ BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, ADMIN_CHAT_ID: String(ADMIN_CHAT_ID), DATABASE_URL: db.url, SHUTDOWN_TIMEOUT_S: '8' });

  it('ends within SHUTDOWN_TIMEOUT_S, and the next start handles the update it cut off, once', async () => {
    const first = startBotProcess(baseEnv());
    await first.waitForLog('"msg":"bot started"');
    await tg.settle();
    const release = tg.hold('sendMessage');
    const kofi = tg.createUser({ id: 71001, first_name: 'Kofi' });
    await kofi.send('/help');
    await expect.poll(() => tg.heldCalls('sendMessage')).toBeGreaterThanOrEqual(1);
    const [help] = tg.pendingUpdates;
    // The bot polls on while /help is handled, and does not confirm it.
    const polls = tg.callsTo('getUpdates').length;
    await expect.poll(() => tg.callsTo('getUpdates').length).toBeGreaterThan(polls + 1);
    expect(tg.pendingUpdates).toEqual([help]);

    const signalledAt = Date.now();
    // 0: the orderly stop finished; the deadline's own exit would be 1.
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(8_000 + 1_000);
    expect(first.stdout()).toContain('"msg":"shutdown: cutting off the Telegram calls still waiting"');
    expect(first.stdout()).toContain('"msg":"updates not handled are left to Telegram for the next start"');
    expect(errorLines(first.stdout())).toEqual([]);
    expect(helpAnswers(tg, kofi.id)).toEqual([]);
    expect(tg.pendingUpdates).toEqual([help]);
    release();

    const second = startBotProcess(baseEnv());
    await second.waitForLog('"msg":"bot started"');
    await tg.waitForMessage(kofi.id, 'What I can do');
    await kofi.send('/help');
    await tg.waitForMessage(kofi.id, 'What I can do');
    await tg.settle();
    expect(helpAnswers(tg, kofi.id)).toHaveLength(2);
    expect(second.stdout()).not.toContain('update skipped');
    expect(await second.stop()).toBe(0);
  }, 60_000);

  it('killed while an update is handled, the next start handles that update once and skips the one handled after it', async () => {
    const first = startBotProcess(baseEnv());
    await first.waitForLog('"msg":"bot started"');
    await tg.settle();
    const release = tg.hold('sendMessage');
    const esi = tg.createUser({ id: 71004, first_name: 'Esi' });
    await esi.send('/help');
    await expect.poll(() => tg.heldCalls('sendMessage')).toBeGreaterThanOrEqual(1);
    // A later update, handled without a message (a user blocks the bot), finishes while /help waits.
    const yaw = tg.createUser({ id: 71005, first_name: 'Yaw' });
    tg.blockBot(yaw.id);
    const [help, blocked] = tg.pendingUpdates;
    expect(blocked?.my_chat_member).toBeDefined();
    const recorded = () => db.query(`SELECT update_id FROM handled_updates WHERE update_id = ${blocked?.update_id ?? 0}`);
    // Handled ids are written a second at a time.
    await expect.poll(recorded, { timeout: 5_000 }).toHaveLength(1);
    // Neither is confirmed: the offset stays at /help, the lowest update not handled.
    expect(tg.pendingUpdates).toEqual([help, blocked]);

    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    // The held /help answer died with the process: Telegram never took it.
    await expect.poll(() => tg.heldCalls('sendMessage')).toBe(0);
    release();

    const second = startBotProcess(baseEnv());
    await second.waitForLog('"msg":"bot started"');
    await tg.waitForMessage(esi.id, 'What I can do');
    await tg.settle();
    expect(helpAnswers(tg, esi.id)).toHaveLength(1);
    expect(tg.pendingUpdates).toEqual([]);
    await second.waitForLog(`"update_id":${blocked?.update_id},"msg":"update skipped: handled before"`);
    expect(await second.stop()).toBe(0);
  }, 60_000);

  it('parks an update that holds many others back, and the next start handles it once', async () => {
    const first = startBotProcess(baseEnv());
    await first.waitForLog('"msg":"bot started"');
    await tg.settle();
    const release = tg.hold('sendMessage');
    const abena = tg.createUser({ id: 71006, first_name: 'Abena' });
    await abena.send('/help');
    await expect.poll(() => tg.heldCalls('sendMessage')).toBeGreaterThanOrEqual(1);
    const [help] = tg.pendingUpdates;
    // 91 updates handled without a message come after it, far more than a poll should bring again (MOST_HELD).
    const kwame = tg.createUser({ id: 71007, first_name: 'Kwame' });
    for (let change = 0; change < 91; change += 1) {
      if (change % 2 === 0) tg.blockBot(kwame.id);
      else tg.unblockBot(kwame.id);
    }
    await first.waitForLog('"msg":"updates still in flight parked for the next start, so polling goes on"', 30_000);
    await expect.poll(() => tg.pendingUpdates.some((update) => update.update_id === help?.update_id)).toBe(false);
    // Updates parked while they were handled have their copies dropped (with the handled ids, a second at a time):
    // only the stalled one stays.
    await expect.poll(() => db.query('SELECT update_id::int AS update_id FROM unfinished_updates'), { timeout: 5_000 }).toEqual([{ update_id: help?.update_id }]);

    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    await expect.poll(() => tg.heldCalls('sendMessage')).toBe(0);
    release();

    const second = startBotProcess(baseEnv());
    await second.waitForLog('"msg":"bot started"');
    expect(second.stdout()).toContain('"msg":"handling the updates the last run parked"');
    await tg.waitForMessage(abena.id, 'What I can do');
    await tg.settle();
    expect(helpAnswers(tg, abena.id)).toHaveLength(1);
    expect(await db.query('SELECT update_id::int AS update_id FROM unfinished_updates')).toEqual([]);
    expect(await second.stop()).toBe(0);
  }, 90_000);

  it('in webhook mode answers 200 only once the update is handled, and skips it when it comes again', async () => {
    const port = await unusedPort();
    const secret = 'clean-stop-secret-1234';
    const bot = startBotProcess({ ...baseEnv(), WEBHOOK_URL: 'https://bot.example.com/telegram', WEBHOOK_SECRET: secret, PORT: String(port) });
    await bot.waitForLog('"msg":"bot started"');
    await tg.settle();
    const ama = tg.createUser({ id: 71002, first_name: 'Ama' });
    const from = { id: ama.id, is_bot: false, first_name: 'Ama' };
    const update = { update_id: 900_000_001, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: ama.id, type: 'private', first_name: 'Ama' }, from, text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] } };
    const deliver = () =>
      fetch(`http://127.0.0.1:${port}/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update),
      });

    const release = tg.hold('sendMessage');
    let status: number | undefined;
    const answered = deliver().then((response) => (status = response.status));
    await expect.poll(() => tg.heldCalls('sendMessage')).toBeGreaterThanOrEqual(1);
    // grammY's webhook answered after 10 s whether the update was handled or not.
    await sleep(11_000);
    expect(status).toBeUndefined();
    release();
    expect(await answered).toBe(200);
    expect(helpAnswers(tg, ama.id)).toHaveLength(1);

    // Telegram delivers it again (the 200 was lost on the way): it is not handled twice.
    expect((await deliver()).status).toBe(200);
    await tg.settle();
    expect(helpAnswers(tg, ama.id)).toHaveLength(1);
    await bot.waitForLog('"msg":"update skipped: handled before"');
    expect(await bot.stop()).toBe(0);
  }, 60_000);
});

describe('with its own PostgreSQL', () => {
  let tg: FakeTelegram;
  let dataDir: string;
  beforeAll(async () => {
    tg = await FakeTelegram.start();
    tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
    dataDir = await mkdtemp(path.join(tmpdir(), 'tradebot-cleanstop-'));
  });
  afterAll(async () => {
    await tg.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const env = () => ({ BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, ADMIN_CHAT_ID: String(ADMIN_CHAT_ID), DATA_DIR: dataDir });
  const isRunning = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('stops it on a second signal before exiting, though the first stop still waits on Telegram', async () => {
    const bot = startBotProcess(env());
    await bot.waitForLog('"msg":"bot started"', 90_000);
    const postgres = runningServerPid(path.join(dataDir, 'postgres'));
    expect(postgres).toBeDefined();
    await tg.settle();
    const release = tg.hold('sendMessage');
    const kojo = tg.createUser({ id: 71003, first_name: 'Kojo' });
    await kojo.send('/help');
    // Kojo's answer is held (a notice the bot starts on its own may be held beside it).
    await expect.poll(() => tg.heldCalls('sendMessage')).toBeGreaterThanOrEqual(1);
    bot.child.kill('SIGTERM');
    await bot.waitForLog('"msg":"shutting down"');
    expect(await bot.stop('SIGTERM')).toBe(1);
    expect(bot.stdout()).toContain('"msg":"second SIGTERM: exiting now"');
    expect(bot.stdout()).toContain('"msg":"embedded PostgreSQL stopped"');
    expect(isRunning(postgres ?? 0)).toBe(false);
    release();
  }, 120_000);

  it('stops with one clear line when its PostgreSQL dies', async () => {
    const bot = startBotProcess(env());
    await bot.waitForLog('"msg":"bot started"', 90_000);
    const postgres = runningServerPid(path.join(dataDir, 'postgres'));
    process.kill(postgres ?? 0, 'SIGKILL');
    expect(await bot.exited).toBe(1);
    expect(errorLines(bot.stdout())).toEqual([expect.stringContaining('The embedded PostgreSQL stopped unexpectedly, so the bot stops.')]);
  }, 120_000);
});
