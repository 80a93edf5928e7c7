import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID, saveFailure, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type TestUser } from './support/fakeTelegram/index.ts';
import { seedUser } from './support/users.ts';

const ADMIN_ID = 953_001;
const WEBHOOK_SECRET = 'broadcast-once-secret-42';

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let admin: TestUser;
let crash: ReturnType<typeof saveFailure>;
let nextUserId = 953_100;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.query('DELETE FROM notifications');
  await db.query('DELETE FROM broadcasts');
  await db.query('DELETE FROM conversation_states');
  await db.query("DELETE FROM admin_audit_log WHERE subject_kind = 'broadcast'");
  tg = await FakeTelegram.start();
  admin = tg.createUser({ id: ADMIN_ID, first_name: 'Esi', last_name: 'Admin' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin] });
  crash = saveFailure();
});
afterEach(async () => {
  await bot.stop();
  await tg.stop();
});

async function users(count: number): Promise<TestUser[]> {
  const made: TestUser[] = [];
  for (let index = 0; index < count; index += 1) {
    nextUserId += 1;
    const user = tg.createUser({ id: nextUserId, first_name: 'Reader' });
    await seedUser(db, user);
    made.push(user);
  }
  return made;
}

/** /broadcast up to the preview's question; returns that question, whose first button sends. */
async function preview(text: string) {
  await admin.send('/broadcast');
  await tg.waitForMessage(admin.id, 'type the message for every user');
  await admin.send(text);
  const question = await tg.waitForMessage(admin.id, 'That is exactly how it will look');
  // The conversation is saved once the update is done: only then may the next save fail.
  await tg.settle();
  return question;
}

async function expectSentOnce(readers: readonly TestUser[], text: string) {
  await bot.notifications.deliverDue();
  await tg.settle();
  expect(await db.query('SELECT count(*)::int AS n FROM broadcasts')).toEqual([{ n: 1 }]);
  expect(await db.query("SELECT count(*)::int AS n FROM admin_audit_log WHERE subject_kind = 'broadcast'")).toEqual([{ n: 1 }]);
  for (const reader of readers) expect(tg.messages(reader.id).filter((message) => message.text?.includes(text))).toHaveLength(1);
}

describe('a broadcast confirmed again', () => {
  it('sends once when the admin taps Send again after a crash before the conversation was saved', async () => {
    bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID], wrapConversationStore: crash.wrap });
    const readers = await users(3);
    const question = await preview('Office closed on Friday');
    crash.failNextSave();
    await admin.tap(question, /^✅ Send to/);
    await tg.waitForMessage(admin.id, 'Sorry, something went wrong on our side');
    expect(crash.failures()).toBe(1);

    // Nothing said it went out, so the admin does as asked and taps Send again: the conversation resumes at the preview.
    await admin.send('did it go?');
    await admin.tap(await tg.waitForMessage(admin.id, 'Please tap one of the buttons below.'), /^✅ Send to/);
    await tg.waitForMessage(admin.id, 'Broadcast #');
    await expectSentOnce(readers, 'Office closed on Friday');
  });

  it('sends once when Telegram delivers the same Confirm again because the answer to it was lost', async () => {
    bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID], wrapConversationStore: crash.wrap, webhookSecret: WEBHOOK_SECRET });
    const webhook = await fetch(`${tg.apiRoot}/bot${tg.token}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://bot.example.com/telegram', secret_token: WEBHOOK_SECRET }),
    });
    expect(webhook.status).toBe(200);
    const delivery = tg.deliverWebhook({ targets: [bot.webhookUrl ?? ''] });
    const readers = await users(2);
    const question = await preview('New rates from Monday');

    // The instance commits the broadcast, then dies before saving the conversation and before answering.
    crash.failNextSave();
    delivery.loseNextAnswer();
    await admin.tap(question, /^✅ Send to/);
    await tg.waitForMessage(admin.id, 'Sorry, something went wrong on our side');
    // Telegram sends the tap again; this time the conversation is saved and the answer arrives.
    await tg.waitForMessage(admin.id, 'Broadcast #');
    await tg.settle();
    expect(crash.failures()).toBe(1);
    const updates = bot.logs.lines.filter((line) => line.includes('"update_type":"callback_query"') && line.includes('"msg":"update handled"'));
    expect(updates).toHaveLength(2);
    expect(new Set(updates.map((line) => (JSON.parse(line) as { update_id: number }).update_id)).size).toBe(1);
    await expectSentOnce(readers, 'New rates from Monday');
    expect(delivery.undelivered).toEqual([]);
  });
});
