import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { ADMIN_CHAT_ID } from './support/bot.ts';
import { FakeTelegram } from './support/fakeTelegram/index.ts';
import { FakeRates } from './support/fakeRates.ts';
import { startBotProcess, unusedPort } from './support/process.ts';
import { chmod, mkdir } from 'node:fs/promises';

describe('configuration errors stop start-up with one clear line', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['a missing BOT_TOKEN', { ADMIN_CHAT_ID: '-100123' }, /^Configuration error: BOT_TOKEN is missing: set it to the token @BotFather gave your bot/],
    ['a malformed ADMIN_CHAT_ID', { BOT_TOKEN: '123:abc', ADMIN_CHAT_ID: 'admins' }, /^Configuration error: ADMIN_CHAT_ID must be a chat id \(an integer\)/],
    ['bad ADMIN_IDS', { BOT_TOKEN: '123:abc', ADMIN_CHAT_ID: '-100123', ADMIN_IDS: '12,abc' }, /^Configuration error: ADMIN_IDS must be Telegram user ids separated by commas/],
    ['a SHUTDOWN_TIMEOUT_S too short to stop in', { BOT_TOKEN: '123:abc', ADMIN_CHAT_ID: '-100123', SHUTDOWN_TIMEOUT_S: '2' }, /^Configuration error: SHUTDOWN_TIMEOUT_S must be between 4 and 600 seconds/],
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
    const userCommands = ['start', 'wallet', 'buy', 'sell', 'deposit', 'withdraw', 'giftcards', 'market', 'orders', 'history', 'kyc', 'tutorials', 'notifications', 'alerts', 'support', 'help', 'cancel'];
    expect(tg.commands().map((command) => command.command)).toEqual(userCommands);
    const adminScope = { type: 'chat', chat_id: ADMIN_CHAT_ID } as const;
    expect(tg.commands(adminScope).map((command) => command.command)).toEqual([...userCommands, 'admin', 'pending', 'reopen', 'rates', 'settings', 'networks', 'stats', 'broadcast', 'dbstats', 'catalogue', 'tutorial_admin']);
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

const errorLines = (output: string) => output.split('\n').filter((line) => /"level":(50|60)/.test(line));

describe('a first run, as a new operator would try it', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('stops with one line naming BOT_TOKEN and @BotFather when Telegram refuses the token', async () => {
    const tg = await FakeTelegram.start();
    try {
      const bot = startBotProcess({ BOT_TOKEN: '999999:NOT-THE-TOKEN', TELEGRAM_API_ROOT: tg.apiRoot, ADMIN_CHAT_ID: String(ADMIN_CHAT_ID), DATABASE_URL: db.url });
      expect(await bot.exited).toBe(1);
      const lines = bot.stderr().trimEnd().split('\n');
      expect(lines).toEqual([expect.stringMatching(/^Telegram refused BOT_TOKEN \(401 Unauthorized\): copy the token @BotFather gave your bot/)]);
      expect(errorLines(bot.stdout())).toEqual([]);
    } finally {
      await tg.stop();
    }
  });

  it('says when Telegram cannot be reached and when it tries again, then connects', async () => {
    const port = await unusedPort();
    const env = { BOT_TOKEN: '123456:TEST-TOKEN', TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`, ADMIN_CHAT_ID: String(ADMIN_CHAT_ID), DATABASE_URL: db.url };
    const bot = startBotProcess(env);
    await bot.waitForLog('trying again at');
    await bot.waitForLog('"attempt":2');
    expect(bot.stdout()).toMatch(/Telegram cannot be reached \(ECONNREFUSED\); trying again at \d\d:\d\d:\d\d/);
    const tg = await FakeTelegram.start({ port });
    try {
      tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
      await bot.waitForLog('"msg":"bot started"', 30_000);
      expect(await bot.stop()).toBe(0);
    } finally {
      await tg.stop();
    }
  });

  it('gets a price with no API key at all, so trading is open and nobody is told it is paused', async () => {
    // A database of its own, as on a first run: the bots above claimed this minute's price refresh on theirs.
    const fresh = await createTestDatabase();
    const tg = await FakeTelegram.start();
    const rates = await FakeRates.start();
    rates.setPrice('USDT', 15.1);
    try {
      tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
      const bot = startBotProcess({ BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, ADMIN_CHAT_ID: String(ADMIN_CHAT_ID), DATABASE_URL: fresh.url, COINGECKO_API_URL: rates.url });
      await bot.waitForLog('"msg":"bot started"');
      await tg.settle(500);
      expect(await bot.stop()).toBe(0);
      expect(tg.messages(ADMIN_CHAT_ID).some((message) => message.text?.includes('has not updated'))).toBe(false);
      expect(bot.stdout()).not.toContain('live price not updated');
      expect(await fresh.query("SELECT source, price_ghs::text AS price FROM rates")).toEqual([{ source: 'coingecko', price: '15.10000000' }]);
    } finally {
      await tg.stop();
      await rates.stop();
      await fresh.drop();
    }
  });

  it('ends cleanly on Ctrl+C, with its own PostgreSQL in a DATA_DIR the postgres user cannot enter', async () => {
    const tg = await FakeTelegram.start();
    tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
    // A folder like a clone under /root: only its owner may enter it.
    const closed = await mkdtemp(path.join(tmpdir(), 'tradebot-closed-'));
    await chmod(closed, 0o700);
    const dataDir = path.join(closed, 'clone', 'data');
    await mkdir(dataDir, { recursive: true });
    try {
      const bot = startBotProcess({ BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, ADMIN_CHAT_ID: String(ADMIN_CHAT_ID), DATA_DIR: dataDir }, { ownGroup: true });
      await bot.waitForLog('"msg":"bot started"', 60_000);
      const kojo = tg.createUser({ id: 889, first_name: 'Kojo' });
      await kojo.send('/help');
      await tg.waitForMessage(kojo.id, 'What I can do');
      // Ctrl+C: the terminal signals the whole foreground process group.
      expect(await bot.stopGroup('SIGINT')).toBe(0);
      const output = `${bot.stdout()}${bot.stderr()}`;
      expect(errorLines(output)).toEqual([]);
      expect(output).not.toMatch(/terminated|FATAL/i);
      expect(bot.stdout()).toContain('"msg":"embedded PostgreSQL stopped"');
    } finally {
      await tg.stop();
      await rm(closed, { recursive: true, force: true });
    }
  });
});
