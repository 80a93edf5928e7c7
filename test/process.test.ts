import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { ADMIN_CHAT_ID } from './support/bot.ts';
import { FakeTelegram } from './support/fakeTelegram/index.ts';
import { startBotProcess } from './support/process.ts';

describe('configuration errors stop start-up with one clear line', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['a missing BOT_TOKEN', { ADMIN_CHAT_ID: '-100123' }, /^Configuration error: BOT_TOKEN is missing: set it to the token @BotFather gave your bot/],
    ['a malformed ADMIN_CHAT_ID', { BOT_TOKEN: '123:abc', ADMIN_CHAT_ID: 'admins' }, /^Configuration error: ADMIN_CHAT_ID must be a chat id \(an integer\)/],
    ['bad ADMIN_IDS', { BOT_TOKEN: '123:abc', ADMIN_CHAT_ID: '-100123', ADMIN_IDS: '12,abc' }, /^Configuration error: ADMIN_IDS must be Telegram user ids separated by commas/],
    ['a webhook without its secret', { BOT_TOKEN: '123:abc', ADMIN_CHAT_ID: '-100123', WEBHOOK_URL: 'https://bot.example.com/hook' }, /^Configuration error: WEBHOOK_SECRET is required when WEBHOOK_URL is set/],
  ];
  for (const [name, env, message] of cases) {
    it(`reports ${name}`, async () => {
      const bot = startBotProcess(env);
      expect(await bot.exited).toBe(1);
      const lines = bot.stderr().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(bot.stdout()).toBe('');
    });
  }
});

describe('the bot process', () => {
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

  it('resumes registration at the same question after a restart, and shuts down gracefully', async () => {
    const env = {
      BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      ADMIN_CHAT_ID: String(ADMIN_CHAT_ID),
      DATABASE_URL: db.url,
    };
    const first = startBotProcess(env);
    await first.waitForLog('"msg":"bot started"');
    const userCommands = ['start', 'wallet', 'buy', 'sell', 'deposit', 'withdraw', 'orders', 'history', 'kyc', 'tutorials', 'help', 'cancel'];
    expect(tg.commands().map((command) => command.command)).toEqual(userCommands);
    const adminScope = { type: 'chat', chat_id: ADMIN_CHAT_ID } as const;
    expect(tg.commands(adminScope).map((command) => command.command)).toEqual([...userCommands, 'admin', 'pending', 'rates', 'settings', 'tutorial_admin']);
    // No price source is reachable here, so the admins hear once that trading is paused.
    await tg.waitForMessage(ADMIN_CHAT_ID, 'price has not updated at all yet');

    const ama = tg.createUser({ id: 777, first_name: 'Ama', last_name: 'Mensah', username: 'ama777' });
    await ama.send('/start');
    await ama.tap(await tg.waitForMessage(ama.id, 'Do you accept these terms?'), '✅ I accept');
    await tg.waitForMessage(ama.id, 'What is your e-mail address?');
    await ama.send('ama.restart@example.com');
    await tg.waitForMessage(ama.id, 'What is your phone number?');
    await tg.settle();

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.stdout()).toContain('"msg":"shutting down"');

    const second = startBotProcess(env);
    await second.waitForLog('"msg":"bot started"');
    await ama.send('024 123 4567');
    await tg.waitForMessage(ama.id, 'Phone number saved: +233241234567');
    await tg.waitForMessage(ama.id, 'What is your first name');
    await tg.settle();
    // The updates handled before the restart were confirmed, so none was handled twice.
    expect(tg.messages(ama.id).filter((message) => message.text?.startsWith('What is your phone number?'))).toHaveLength(1);
    expect(await second.stop('SIGINT')).toBe(0);
    expect(tg.rejectedCalls.filter((call) => !call.superseded)).toEqual([]);
    expect(tg.messages(ADMIN_CHAT_ID).filter((message) => message.text?.includes('price has not updated'))).toHaveLength(1);
  });
});

describe('without DATABASE_URL', () => {
  it('runs its own PostgreSQL under DATA_DIR, keeps the data between runs and stops it on exit', async () => {
    const tg = await FakeTelegram.start();
    tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tradebot-data-'));
    const env = { BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, ADMIN_CHAT_ID: String(ADMIN_CHAT_ID), DATA_DIR: dataDir };
    try {
      const first = startBotProcess(env);
      await first.waitForLog('"msg":"bot started"', 60_000);
      expect(first.stdout()).toContain('"msg":"migrations applied"');
      const kojo = tg.createUser({ id: 888, first_name: 'Kojo' });
      await kojo.send('/help');
      await tg.waitForMessage(kojo.id, 'What I can do');
      expect(await first.stop()).toBe(0);
      expect(first.stdout()).toContain('"msg":"embedded PostgreSQL stopped"');

      const second = startBotProcess(env);
      await second.waitForLog('"msg":"bot started"', 60_000);
      expect(second.stdout()).not.toContain('"msg":"migrations applied"');
      expect(await second.stop()).toBe(0);
    } finally {
      await tg.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
