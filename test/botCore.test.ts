import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startTestBot, type TestBot } from './support/bot.ts';
import { FakeTelegram } from './support/fakeTelegram/index.ts';
import { seedUser } from './support/users.ts';

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  tg = await FakeTelegram.start();
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});
afterAll(async () => {
  await tg.stop();
  await db.drop();
});

function helpUpdate(updateId: number, userId: number) {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'Web' },
      from: { id: userId, is_bot: false, first_name: 'Web' },
      text: '/help',
      entities: [{ type: 'bot_command', offset: 0, length: 5 }],
    },
  };
}

describe('webhook mode', () => {
  it('answers 401 and processes nothing without the right secret token', async () => {
    bot = await startTestBot({ db, tg, webhookSecret: 'correct-secret-token-123' });
    const url = bot.webhookUrl ?? '';
    const post = (body: unknown, secret?: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
        body: JSON.stringify(body),
      });

    expect((await post(helpUpdate(1, 3001), 'wrong-secret-token-456')).status).toBe(401);
    expect((await post(helpUpdate(2, 3002))).status).toBe(401);
    await tg.settle();
    expect(tg.messages(3001)).toEqual([]);
    expect(tg.messages(3002)).toEqual([]);

    tg.createUser({ id: 3003, first_name: 'Web' });
    expect((await post(helpUpdate(3, 3003), 'correct-secret-token-123')).status).toBe(200);
    await tg.waitForMessage(3003, 'What I can do');
  });
});

describe('middleware', () => {
  it('apologises for a failure without details and logs it with the update id', async () => {
    bot = await startTestBot({
      db,
      tg,
      overrideServices: (services) => ({
        ...services,
        users: {
          ...services.users,
          findWithConversation: (telegramId, conversationKey) =>
            telegramId === 4001 ? Promise.reject(new Error('database exploded')) : services.users.findWithConversation(telegramId, conversationKey),
        },
      }),
    });
    const unlucky = tg.createUser({ id: 4001, first_name: 'Efua' });
    const sent = await unlucky.send('/start');
    const apology = await tg.waitForMessage(unlucky.id, 'Sorry, something went wrong on our side');
    expect(apology.text).not.toContain('exploded');
    const failure = bot.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'update failed');
    expect(failure).toMatchObject({ level: 50, update_type: 'message', err: { message: 'database exploded' } });
    expect(typeof failure?.update_id).toBe('number');
    expect(sent.message_id).toBeGreaterThan(0);
  });

  it('logs every update with its duration and no message text', async () => {
    bot = await startTestBot({ db, tg });
    const kwame = tg.createUser({ id: 4002, first_name: 'Kwame' });
    await kwame.send('my secret words');
    await tg.waitForMessage(kwame.id, 'Send /start to register');
    await tg.settle();
    const entry = bot.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'update handled' && line.chat_id === kwame.id);
    expect(entry).toMatchObject({ update_type: 'message', user_id: kwame.id });
    expect(typeof entry?.duration_ms).toBe('number');
    expect(bot.logs.text).not.toContain('my secret words');
  });

  it('stops a flood from one user and tells them once, without slowing anyone else', async () => {
    bot = await startTestBot({ db, tg });
    const flooder = tg.createUser({ id: 4003, first_name: 'Fiifi' });
    await seedUser(db, flooder);
    const calm = tg.createUser({ id: 4004, first_name: 'Akua' });
    for (let index = 0; index < 30; index += 1) await flooder.send(`spam ${index}`);
    await calm.send('/help');
    await tg.waitForMessage(calm.id, 'What I can do');
    await tg.settle(300);
    const notices = tg.messages(flooder.id).filter((message) => message.text?.startsWith('You are sending too fast'));
    expect(notices).toHaveLength(1);
    const answered = tg.messages(flooder.id).filter((message) => message.text?.startsWith("Sorry, I didn't understand"));
    expect(answered).toHaveLength(20);
  });

  it('marks a user who blocks the bot, and clears the mark when they unblock it', async () => {
    bot = await startTestBot({ db, tg });
    const adjoa = tg.createUser({ id: 4005, first_name: 'Adjoa' });
    await seedUser(db, adjoa);
    const blockedAt = async () =>
      (await db.query<{ bot_blocked_at: Date | null }>('SELECT bot_blocked_at FROM users WHERE telegram_id = $1', [adjoa.id]))[0]?.bot_blocked_at;
    adjoa.blockBot();
    await tg.settle();
    expect(await blockedAt()).toBeInstanceOf(Date);
    adjoa.unblockBot();
    await tg.settle();
    expect(await blockedAt()).toBeNull();
  });

  it('keeps the payload of a failed Telegram call (names, documents) out of the logs', async () => {
    const { GrammyError } = await import('grammy');
    const { LogCapture } = await import('./support/bot.ts');
    const { createLogger } = await import('../src/logger.ts');
    const capture = new LogCapture();
    const logger = createLogger('info', capture);
    const error = new GrammyError('Call to sendMessage failed', { ok: false, error_code: 400, description: 'Bad Request' }, 'sendMessage', {
      chat_id: 1,
      text: 'Document GHA-123456789-0, born 1990-01-31',
    });
    logger.error({ err: error }, 'could not update an approval card');
    await new Promise((resolve) => setImmediate(resolve));
    expect(capture.text).toContain('Call to sendMessage failed');
    expect(capture.text).not.toContain('GHA-123456789-0');
  });
});
