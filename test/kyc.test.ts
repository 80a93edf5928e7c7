import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type ChatMessage, type TestUser } from './support/fakeTelegram/index.ts';
import { GPS_MARKER, PDF_BYTES, pixelAt, pixelBomb, sidewaysPhoto, TEXT_BYTES, tinyPng } from './support/images.ts';
import { submitKycInChat } from './support/flows.ts';
import { seedUser } from './support/users.ts';

const ADMIN_A = 900001;
const ADMIN_B = 900002;
// A test taps through two whole KYC submissions in a few seconds, faster than the flood limit allows a person.
const FAST_CLICKER = { updates: 200, perMilliseconds: 10_000 };

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let photo: Buffer;
let adminA: TestUser;
let adminB: TestUser;
let outsider: TestUser;
let nextUserId = 2000;

beforeAll(async () => {
  db = await createTestDatabase();
  photo = await sidewaysPhoto();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  // Each test talks to a new fake Telegram whose message ids start again: forget the old cards' messages.
  await db.query('DELETE FROM approval_cards');
  await db.query('DELETE FROM card_deliveries');
  tg = await FakeTelegram.start();
  adminA = tg.createUser({ id: ADMIN_A, first_name: 'Abena', last_name: 'Admin' });
  adminB = tg.createUser({ id: ADMIN_B, first_name: 'Kwesi' });
  outsider = tg.createUser({ id: 7000 + nextUserId, first_name: 'Nosy' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [adminA, adminB, outsider] });
  if (!(await db.query('SELECT 1 FROM users WHERE telegram_id = $1', [ADMIN_A])).length) {
    await seedUser(db, adminA, { adminIds: [ADMIN_A] });
  }
  bot = await startTestBot({ db, tg, adminIds: [ADMIN_A, ADMIN_B], rateLimit: FAST_CLICKER });
});
afterEach(async () => {
  await bot.stop();
  await tg.stop();
  expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
});

async function registeredUser(firstName = 'Esi', lastName = 'Owusu'): Promise<TestUser> {
  nextUserId += 1;
  const user = tg.createUser({ id: nextUserId, first_name: firstName, last_name: lastName });
  await seedUser(db, user);
  return user;
}

async function kycRow(user: TestUser): Promise<Record<string, unknown> | undefined> {
  const [row] = await db.query(
    `SELECT k.*, k.date_of_birth::text AS dob, u.kyc_status FROM kyc_verifications k JOIN users u ON u.id = k.user_id WHERE u.telegram_id = $1`,
    [user.id],
  );
  return row;
}

/** /kyc with a passport, answered up to the question for the home address. */
async function passportUpToAddress(user: TestUser): Promise<void> {
  await user.send('/kyc');
  await user.tap(await tg.waitForMessage(user.id, 'Which document'), 'Passport');
  await user.send('G7654321');
  await user.tap(await tg.waitForMessage(user.id, 'What is your first name'), /^Keep/);
  await user.tap(await tg.waitForMessage(user.id, 'What is your last name'), /^Keep/);
  await user.send('1985-12-01');
  await tg.waitForMessage(user.id, 'home address');
}

/** Walks a user through /kyc with valid answers; returns the admin card. */
async function submitKyc(user: TestUser, document: 'Ghana Card' | 'Passport' = 'Ghana Card'): Promise<ChatMessage> {
  await submitKycInChat(tg, user, photo, { document });
  return tg.waitForMessage(ADMIN_CHAT_ID, `${user.first_name} ${user.last_name}`);
}

async function countAudit(kycId: unknown): Promise<number> {
  const [row] = await db.query<{ count: string }>(
    "SELECT count(*) FROM admin_audit_log WHERE subject_kind = 'kyc' AND subject_id = $1 AND action IN ('approve', 'decline')",
    [kycId],
  );
  return Number(row?.count);
}

describe('KYC', () => {
  it('collects the details and photos, re-asking every bad answer, and stores clean upright images', async () => {
    const esi = await registeredUser();
    await esi.send('/kyc');
    await tg.waitForMessage(esi.id, 'Verify your identity');
    await esi.tap(await tg.waitForMessage(esi.id, 'Which document'), 'Ghana Card');
    await tg.waitForMessage(esi.id, 'Type your Ghana Card number');
    await esi.send('GHA-12345-1');
    await tg.waitForMessage(esi.id, 'A Ghana Card number looks like GHA-123456789-0');
    await esi.send('gha 123456789 0');
    await esi.tap(await tg.waitForMessage(esi.id, 'What is your first name, as on the document'), 'Keep “Esi”');
    await tg.waitForMessage(esi.id, 'What is your last name');
    await esi.send('Owusu-Ansah');
    await tg.waitForMessage(esi.id, 'date of birth');
    await esi.send('31/02/1990');
    await tg.waitForMessage(esi.id, 'Please type your date of birth as on your ID');
    await esi.send('2015-01-01');
    await tg.waitForMessage(esi.id, 'You must be 18 or older');
    await esi.send('31/01/1990');
    await tg.waitForMessage(esi.id, 'home address');
    await esi.send('Osu');
    await tg.waitForMessage(esi.id, 'Please type your home address with house number');
    await esi.send('House 12, Oxford Street, Osu, Accra');

    await tg.waitForMessage(esi.id, 'Send a photo of the front of your Ghana Card');
    await esi.sendDocument(PDF_BYTES, { file_name: 'card.pdf', mime_type: 'application/pdf' });
    await tg.waitForMessage(esi.id, 'That file is not a picture');
    await esi.sendDocument(TEXT_BYTES, { file_name: 'card.txt', mime_type: 'text/plain' });
    await tg.waitForMessage(esi.id, 'That file is not a picture');
    await esi.sendPhoto(await tinyPng());
    await tg.waitForMessage(esi.id, 'This photo is only 300×200 pixels');
    await esi.send('here it is');
    await tg.waitForMessage(esi.id, 'Please send a photo.');
    await esi.sendPhoto(photo);
    await tg.waitForMessage(esi.id, 'Now the back of your Ghana Card');
    await esi.sendDocument(photo, { file_name: 'back.jpg', mime_type: 'image/jpeg' });
    await tg.waitForMessage(esi.id, 'a selfie');
    await esi.sendPhoto(photo);

    const summary = await tg.waitForMessage(esi.id, 'Please check your details');
    expect(summary.text).toContain('Document: Ghana Card GHA-123456789-0');
    expect(summary.text).toContain('Name: Esi Owusu-Ansah');
    expect(summary.text).toContain('Date of birth: 31 Jan 1990');
    expect(summary.text).toContain('Photos: front, back and selfie received');
    expect(await kycRow(esi)).toBeUndefined();
    await expect(readdir(path.join(bot.dataDir, 'media', 'kyc'))).rejects.toThrow();
    await esi.tap(summary, '✅ Confirm and send');
    await tg.waitForMessage(esi.id, 'Your documents were sent for review');

    expect(await kycRow(esi)).toMatchObject({
      status: 'PENDING',
      document_type: 'NATIONAL_ID',
      document_number: 'GHA-123456789-0',
      first_name: 'Esi',
      last_name: 'Owusu-Ansah',
      dob: '1990-01-31',
      address: 'House 12, Oxford Street, Osu, Accra',
      kyc_status: 'pending',
    });
    const row = await kycRow(esi);
    const paths = [row?.document_front, row?.document_back, row?.selfie].map(String);
    for (const relative of paths) {
      expect(relative).toMatch(/^kyc\/[\w-]+\.jpg$/);
      const file = path.join(bot.dataDir, 'media', relative);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const stored = await sharp(file).toBuffer();
      const metadata = await sharp(file).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.orientation ?? 1).toBe(1);
      expect([metadata.width, metadata.height]).toEqual([800, 1200]);
      expect(stored.includes(GPS_MARKER)).toBe(false);
      // Upright: the red half of the sideways original is now on top, the blue half at the bottom.
      const [top, bottom] = [await pixelAt(stored, 400, 100), await pixelAt(stored, 400, 1100)];
      expect(top[0]).toBeGreaterThan(200);
      expect(bottom[2]).toBeGreaterThan(200);
    }

    // The admin card: the three photos as an album, then the details with the buttons.
    const card = await tg.waitForMessage(ADMIN_CHAT_ID, `KYC verification #${String(row?.id)}`);
    const album = tg.messages(ADMIN_CHAT_ID).filter((message) => message.media_group_id);
    expect(album).toHaveLength(3);
    expect(card.reply_to_message_id).toBe(album[0]?.message_id);
    expect(card.text).toContain('Document: Ghana Card GHA-123456789-0');
    expect(card.text).toContain('Date of birth: 1990-01-31');
    expect(card.text).toContain('E-mail: user');
    const buttons = card.reply_markup && 'inline_keyboard' in card.reply_markup ? card.reply_markup.inline_keyboard.flat() : [];
    expect(buttons.map((button) => button.text)).toEqual(['✅ Approve', '❌ Reject', '🔎 Start review']);
    for (const button of buttons) expect(Buffer.byteLength('callback_data' in button ? (button.callback_data ?? '') : '')).toBeLessThanOrEqual(64);

    await esi.send('/kyc');
    await tg.waitForMessage(esi.id, 'Your documents are being reviewed');
  });

  it('refuses bad files and leaves nothing behind on /cancel', async () => {
    const kofi = await registeredUser('Kofi', 'Mensah');
    await passportUpToAddress(kofi);
    await kofi.send('Plot 7, Spintex Road, Accra');
    await tg.waitForMessage(kofi.id, 'front of your Passport');
    await kofi.sendDocument(PDF_BYTES, { file_name: 'passport.pdf', mime_type: 'application/pdf' });
    await tg.waitForMessage(kofi.id, 'That file is not a picture');
    await kofi.sendPhoto(await tinyPng());
    await tg.waitForMessage(kofi.id, 'I need at least 600 pixels on its shorter side');
    await kofi.sendDocument(Buffer.alloc(20 * 1024 * 1024 + 1), { file_name: 'scan.jpg', mime_type: 'image/jpeg' });
    await tg.waitForMessage(kofi.id, 'That file is larger than 20 MB. Please send a smaller photo.');
    // 70 bytes that claim 400 million pixels are refused from their header, never decoded.
    await kofi.sendDocument(await pixelBomb(), { file_name: 'scan.png', mime_type: 'image/png' });
    await tg.waitForMessage(kofi.id, 'This photo is 20000×20000 pixels, more than I can handle. Send a smaller photo');
    await kofi.sendPhoto(photo);
    await tg.waitForMessage(kofi.id, 'a selfie');
    await kofi.send('/cancel');
    await tg.waitForMessage(kofi.id, 'Cancelled. Nothing was saved.');
    await tg.settle();
    expect(await kycRow(kofi)).toBeUndefined();
    await expect(readdir(path.join(bot.dataDir, 'media', 'kyc'))).rejects.toThrow();
    const [user] = await db.query<{ kyc_status: string }>('SELECT kyc_status FROM users WHERE telegram_id = $1', [kofi.id]);
    expect(user?.kyc_status).toBe('pending');
  });

  it('leaves the questions for a main-menu button, which is never taken as an answer, and runs its command', async () => {
    const efua = await registeredUser('Efua', 'Asante');
    await passportUpToAddress(efua);
    await efua.send('📚 Tutorials');
    await tg.waitForMessage(efua.id, '⏹ I closed the question I had asked you; nothing from it was saved.');
    await tg.waitForMessage(efua.id, 'Short guides to trade safely');
    await tg.settle();
    expect(tg.messages(efua.id).some((message) => message.text?.includes('front of your Passport'))).toBe(false);
    // The conversation is gone: a photo now is not taken as the passport's front.
    await efua.sendPhoto(photo);
    await tg.waitForMessage(efua.id, "Sorry, I didn't understand that");
    expect(await kycRow(efua)).toBeUndefined();
  });

  it('lets admins review and approve in place, notifies the user, and audits every decision', async () => {
    const ama = await registeredUser('Ama', 'Darko');
    const card = await submitKyc(ama);
    const row = await kycRow(ama);
    expect(card.text).toContain(`KYC verification #${String(row?.id)}`);

    const review = await adminB.tapAndAwaitAnswer(card, '🔎 Start review', { chatId: ADMIN_CHAT_ID });
    expect(review.text).toBe('You are reviewing it now.');
    await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Under review by Kwesi');
    await tg.waitForMessage(ama.id, 'An admin is reviewing your documents now');
    expect((await kycRow(ama))?.status).toBe('UNDER_REVIEW');
    const reviewing = tg.message(ADMIN_CHAT_ID, card.message_id);
    const reviewButtons = reviewing?.reply_markup && 'inline_keyboard' in reviewing.reply_markup ? reviewing.reply_markup.inline_keyboard.flat() : [];
    expect(reviewButtons.map((button) => button.text)).toEqual(['✅ Approve', '❌ Reject']);

    const approved = await adminA.tapAndAwaitAnswer(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    expect(approved.show_alert).toBeFalsy();
    const edited = await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Approved by Abena Admin');
    expect(edited.reply_markup && 'inline_keyboard' in edited.reply_markup ? edited.reply_markup.inline_keyboard.flat() : []).toEqual([]);
    expect(edited.text).toMatch(/Approved by Abena Admin at \d+ \w+ \d{4}, \d{2}:\d{2}/);
    await tg.waitForMessage(ama.id, 'Your identity is verified');

    const [admin] = await db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [ADMIN_A]);
    const after = await kycRow(ama);
    expect(after).toMatchObject({ status: 'APPROVED', kyc_status: 'approved', reviewed_by_id: admin?.id });
    expect(after?.reviewed_at).toBeInstanceOf(Date);
    const audit = await db.query<{ action: string; admin_name: string; admin_telegram_id: string }>(
      "SELECT action, admin_name, admin_telegram_id FROM admin_audit_log WHERE subject_kind = 'kyc' AND subject_id = $1 ORDER BY id",
      [row?.id],
    );
    expect(audit).toEqual([
      { action: 'start_review', admin_name: 'Kwesi', admin_telegram_id: String(ADMIN_B) },
      { action: 'approve', admin_name: 'Abena Admin', admin_telegram_id: String(ADMIN_A) },
    ]);

    await ama.send('/kyc');
    await tg.waitForMessage(ama.id, 'Your account is verified');
  });

  it('changes nothing for a tap by a non-admin or from a chat other than the admin chat', async () => {
    const yaw = await registeredUser('Yaw', 'Boakye');
    const card = await submitKyc(yaw);
    const row = await kycRow(yaw);

    const refused = await outsider.tapAndAwaitAnswer(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    expect(refused).toMatchObject({ text: 'Only admins can do this.', show_alert: true });

    const otherGroup = -100777;
    tg.addGroup({ id: otherGroup, title: 'Random group', members: [adminA] });
    const somewhere = await adminA.send('hello', { chatId: otherGroup });
    const elsewhere = await adminA.tapWithData(otherGroup, somewhere.message_id, `ap:kyc:${String(row?.id)}:a`);
    expect(await adminA.answerOf(elsewhere)).toMatchObject({ text: expect.stringContaining('admin chat') as string, show_alert: true });

    const forged = await outsider.tapWithData(ADMIN_CHAT_ID, card.message_id, `ap:kyc:${String(row?.id)}:x0`);
    expect(await outsider.answerOf(forged)).toMatchObject({ text: 'Only admins can do this.' });
    const unknownVerb = await adminA.tapWithData(ADMIN_CHAT_ID, card.message_id, `ap:kyc:${String(row?.id)}:z`);
    expect(await adminA.answerOf(unknownVerb)).toMatchObject({ text: 'That button is no longer valid. Tap the card again.', show_alert: true });

    await tg.settle();
    expect((await kycRow(yaw))?.status).toBe('PENDING');
    expect(await countAudit(row?.id)).toBe(0);
    expect(tg.messages(yaw.id).filter((message) => /identity is verified|could not verify|reviewing your documents/.test(message.text ?? ''))).toEqual([]);
  });

  it('applies exactly one of 20 Approve/Reject taps from two admins', async () => {
    const efua = await registeredUser('Efua', 'Quaye');
    const card = await submitKyc(efua);
    const row = await kycRow(efua);
    // adminA taps Approve; adminB taps Reject with the first preset reason (the button under Reject).
    const taps = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        index % 2 === 0
          ? adminA.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID })
          : adminB.tapWithData(ADMIN_CHAT_ID, card.message_id, `ap:kyc:${String(row?.id)}:x0`),
      ),
    );
    const answers = await Promise.all(taps.map((id, index) => (index % 2 === 0 ? adminA : adminB).answerOf(id)));
    const applied = answers.filter((answer) => answer.text === 'Done: approved.' || answer.text === 'Done: rejected.');
    const late = answers.filter((answer) => /^Already (approved by Abena Admin|rejected by Kwesi) at \d{2}:\d{2}\.$/.test(answer.text ?? ''));
    expect(applied).toHaveLength(1);
    expect(late).toHaveLength(19);
    expect(late.every((answer) => answer.show_alert)).toBe(true);
    await tg.settle();
    expect(['APPROVED', 'REJECTED']).toContain((await kycRow(efua))?.status);
    expect(await countAudit(row?.id)).toBe(1);
    const [notified] = await db.query<{ count: string }>(
      "SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.telegram_id = $1 AND n.notification_type IN ('KYC_APPROVED', 'KYC_REJECTED')",
      [efua.id],
    );
    expect(Number(notified?.count)).toBe(1);
    expect(tg.messages(efua.id).filter((message) => /identity is verified|could not verify/.test(message.text ?? ''))).toHaveLength(1);
  });

  it('decides exactly once when 20 decisions race in the database', async () => {
    const kwame = await registeredUser('Kwame', 'Asare');
    await submitKyc(kwame);
    const row = await kycRow(kwame);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        bot.services.approvals.decide({
          kind: 'kyc',
          id: Number(row?.id),
          action: index % 2 === 0 ? 'approve' : 'decline',
          reason: 'The photos are unreadable',
          from: index % 2 === 0 ? { id: ADMIN_A, first_name: 'Abena' } : { id: ADMIN_B, first_name: 'Kwesi' },
        }),
      ),
    );
    expect(results.filter((result) => result.outcome === 'applied')).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'already_decided')).toHaveLength(19);
    await bot.notifications.deliverDue();
    await tg.waitForMessage(kwame.id, /Your identity is verified|could not verify your identity/);
    expect(await countAudit(row?.id)).toBe(1);
    const [notified] = await db.query<{ count: string }>(
      "SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.telegram_id = $1 AND n.notification_type IN ('KYC_APPROVED', 'KYC_REJECTED')",
      [kwame.id],
    );
    expect(Number(notified?.count)).toBe(1);
  });

  it('rejects with a reason the user sees, and approves the resubmission', async () => {
    const abena = await registeredUser('Adwoa', 'Sarpong');
    const card = await submitKyc(abena);
    const first = await kycRow(abena);

    await adminB.tap(card, '❌ Reject', { chatId: ADMIN_CHAT_ID });
    const reasons = await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, () =>
      JSON.stringify(tg.message(ADMIN_CHAT_ID, card.message_id)?.reply_markup).includes('The photos are unreadable'),
    );
    await adminB.tap(reasons, 'The photos are unreadable', { chatId: ADMIN_CHAT_ID });
    await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, /Rejected by Kwesi at .*\nReason: The photos are unreadable/);
    await tg.waitForMessage(abena.id, 'We could not verify your identity. Reason: The photos are unreadable');
    expect(await kycRow(abena)).toMatchObject({ status: 'REJECTED', kyc_status: 'rejected', rejection_reason: 'The photos are unreadable' });

    await abena.send('/kyc');
    await tg.waitForMessage(abena.id, 'Your last submission was not accepted. Reason: The photos are unreadable');
    await abena.send('/cancel');
    await tg.waitForMessage(abena.id, 'Cancelled');
    const second = await submitKyc(abena, 'Passport');
    const resubmitted = await kycRow(abena);
    expect(resubmitted).toMatchObject({ id: first?.id, status: 'PENDING', kyc_status: 'pending', document_type: 'PASSPORT', rejection_reason: null, document_back: null });

    expect(second.message_id).not.toBe(card.message_id);

    await adminA.tap(second, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await tg.waitForEdit(ADMIN_CHAT_ID, second.message_id, 'Approved by Abena Admin');
    expect(await kycRow(abena)).toMatchObject({ status: 'APPROVED', kyc_status: 'approved' });
    // Each submission keeps its own card and outcome: the admin chat's record of the rejection stands.
    await tg.settle();
    expect(tg.message(ADMIN_CHAT_ID, card.message_id)?.text).toMatch(/Rejected by Kwesi at .*\nReason: The photos are unreadable/);
    const submissions = await db.query<{ status: string; rejection_reason: string | null }>(
      'SELECT s.status, s.rejection_reason FROM kyc_submissions s JOIN users u ON u.id = s.user_id WHERE u.telegram_id = $1 ORDER BY s.id',
      [abena.id],
    );
    expect(submissions).toEqual([
      { status: 'REJECTED', rejection_reason: 'The photos are unreadable' },
      { status: 'APPROVED', rejection_reason: null },
    ]);
    // Every stored document belongs to a submission: the superseded photos are history, not orphans.
    const referenced = await db.query<{ path: string }>(
      `SELECT path FROM kyc_submissions s JOIN users u ON u.id = s.user_id,
              LATERAL (VALUES (s.document_front), (s.document_back), (s.selfie)) AS files(path)
        WHERE u.telegram_id = $1 AND path IS NOT NULL`,
      [abena.id],
    );
    const onDisk = (await readdir(path.join(bot.dataDir, 'media', 'kyc'))).map((name) => `kyc/${name}`);
    expect(referenced).toHaveLength(5);
    expect(onDisk.sort()).toEqual(referenced.map((row) => row.path).sort());
  });

  it('takes a typed reason from the admin who chose "Other reason"', async () => {
    const kojo = await registeredUser('Kojo', 'Antwi');
    const card = await submitKyc(kojo);
    await adminA.tap(card, '❌ Reject', { chatId: ADMIN_CHAT_ID });
    await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, () =>
      JSON.stringify(tg.message(ADMIN_CHAT_ID, card.message_id)?.reply_markup).includes('Other reason'),
    );
    await adminA.tap(card, '✏️ Other reason', { chatId: ADMIN_CHAT_ID });
    const prompt = await tg.waitForMessage(ADMIN_CHAT_ID, 'Type the reason for declining KYC');
    expect(prompt.reply_markup).toMatchObject({ force_reply: true, selective: true });
    // Neither another admin's reply nor this admin's other chatter in the group is taken as the reason.
    await adminB.send('I will look at the next one', { chatId: ADMIN_CHAT_ID, replyTo: prompt.message_id });
    await adminA.send('let me check with Kofi first', { chatId: ADMIN_CHAT_ID });
    await adminA.send('The address is outside Ghana', { chatId: ADMIN_CHAT_ID, replyTo: prompt.message_id });
    await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Reason: The address is outside Ghana');
    await tg.waitForMessage(kojo.id, 'Reason: The address is outside Ghana');
    expect(tg.messages(kojo.id).some((message) => message.text?.includes('check with Kofi'))).toBe(false);
  });
});
