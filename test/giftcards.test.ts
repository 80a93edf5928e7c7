import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID, type TestBot } from './support/bot.ts';
import type { TestDatabase } from './support/database.ts';
import type { ChatMessage, FakeTelegram, TestUser } from './support/fakeTelegram/index.ts';
import { balances, cardFor, openOrders } from './support/flows.ts';
import { giftCardReference, offerCard, openCard, tradeInToSummary, useGiftCardWorld, type OfferedCard } from './support/giftcards.ts';
import { GPS_MARKER, PDF_BYTES, tinyPng } from './support/images.ts';
import { seedUser } from './support/users.ts';

const CODE = 'PQ4R-8STV-2WXY';

const world = useGiftCardWorld({ admin: 940001, firstUser: 9400 });
let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let admin: TestUser;
let member: TestUser;
let photo: Buffer;
beforeEach(() => {
  ({ db, tg, bot, admin, member, photo } = world);
});
const newUser = (name: string): Promise<TestUser> => world.newUser(name);

async function orderRow(reference: string): Promise<Record<string, unknown>> {
  const [row] = await db.query('SELECT * FROM gift_card_orders WHERE reference = $1', [reference]);
  if (!row) throw new Error(`no order ${reference}`);
  return row;
}

/** A trade-in sent to the admins through the chat; returns its reference and admin card. */
async function submitted(user: TestUser, card: OfferedCard, faceValue = '100'): Promise<{ reference: string; card: ChatMessage }> {
  await user.tap(await tradeInToSummary(tg, user, card, { faceValue, photos: [photo] }), '✅ Confirm');
  const reference = giftCardReference(await tg.waitForMessage(user.id, 'is with our team'));
  return { reference, card: await cardFor(tg, reference) };
}

describe('a gift card trade-in', () => {
  it('goes from the rate list and calculator through the checks to an approved, then completed order', async () => {
    const steam = await offerCard(bot, admin, { brand: 'Steam', rateBuy: '11.50', picture: photo });
    const ama = await newUser('Ama');

    await ama.send('/giftcards');
    const list = await tg.waitForMessage(ama.id, 'Sell a gift card');
    expect(list.text).toContain(`${steam.name}: GHS 11.50 per 1 USD`);
    expect(list.text).not.toContain('Sephora'); // starter cards stay hidden until an admin sets their rates
    await ama.tap(list, 'Steam');
    await ama.tap(await tg.waitForEdit(ama.id, list.message_id, 'Which card do you have?'), `${steam.name} · USD`);
    const shown = await tg.waitForMessage(ama.id, `🎁 ${steam.name}`);
    expect(shown.photo).toBeDefined();
    expect(shown.caption).toContain('Rate: GHS 11.50 per 1 USD');

    await ama.tap(shown, '🧮 What do I get?');
    await tg.waitForMessage(ama.id, 'Enter the face value in USD, e.g. 100.');
    await ama.send('100');
    const quote = await tg.waitForMessage(ama.id, `A USD 100.00 ${steam.name} card gets you GHS 1,150.00`);
    expect(await db.query('SELECT id FROM gift_card_orders WHERE card_id = $1', [steam.id])).toEqual([]);

    await ama.tap(quote, '💳 Sell this card');
    const intro = await tg.waitForMessage(ama.id, `Sell your ${steam.name} card at GHS 11.50 per 1 USD`);
    expect(intro.text).toContain('Enter the face value in USD');
    for (const [typed, reason] of [
      ['a hundred', 'Type the face value in USD as a number, e.g. 100.'],
      ['-50', 'The face value in USD must be more than zero'],
      ['100.555', 'The face value in USD has at most 2 decimals'],
      ['5000', 'The largest face value we take is USD 2,000.00. Type a smaller amount.'],
    ]) {
      await ama.send(typed ?? '');
      await tg.waitForMessage(ama.id, reason ?? '');
    }
    await ama.send('250.50');
    await tg.waitForMessage(ama.id, 'Is it an e-code');
    await ama.send('ab');
    await tg.waitForMessage(ama.id, 'A gift card code is 4 to 64 letters and digits');
    const codeMessage = await ama.send(CODE);
    await tg.waitForMessage(ama.id, 'Send a clear photo of the card');
    expect(tg.message(ama.id, codeMessage.message_id)?.deleted).toBe(true);
    await ama.sendDocument(PDF_BYTES, { file_name: 'card.pdf', mime_type: 'application/pdf' });
    await tg.waitForMessage(ama.id, 'That file is not a picture');
    await ama.sendPhoto(await tinyPng());
    await tg.waitForMessage(ama.id, 'I need at least 600 pixels on its shorter side');
    await ama.sendPhoto(photo);
    await tg.waitForMessage(ama.id, 'Photo 1 received');
    await ama.sendPhoto(photo);
    await ama.tap(await tg.waitForMessage(ama.id, 'Photo 2 received'), '✅ Done');
    const summary = await tg.waitForMessage(ama.id, 'Please check your trade-in');
    expect(summary.text).toContain('Face value: USD 250.50');
    expect(summary.text).toContain('Code: ••••2WXY');
    expect(summary.text).toContain('You get: GHS 2,880.75 in your wallet');
    await ama.tap(summary, '✅ Confirm');
    const reference = giftCardReference(await tg.waitForMessage(ama.id, 'is with our team'));
    expect(tg.messages(ama.id).some((message) => (message.text ?? '').includes(CODE))).toBe(false);

    // The admin card: the album of proofs, then the details with the code, answering the album.
    const card = await cardFor(tg, reference);
    const album = tg.messages(ADMIN_CHAT_ID).filter((message) => message.media_group_id !== undefined);
    expect(album).toHaveLength(2);
    expect(card.reply_to_message_id).toBe(album[0]?.message_id);
    for (const line of [`Card: ${steam.name} (Steam)`, 'Face value: USD 250.50', 'Currency: USD', 'Rate: GHS 11.50 per 1 USD', 'Payout: GHS 2,880.75', `E-code: ${CODE}`]) {
      expect(card.text).toContain(line);
    }
    const proof = await sharp(tg.mediaBytes(album[0] as ChatMessage)).metadata();
    expect({ width: proof.width, height: proof.height, exif: proof.exif }).toEqual({ width: 800, height: 1200, exif: undefined });

    const row = await orderRow(reference);
    expect(row).toMatchObject({ status: 'pending', amount: '250.50', currency: 'USD', rate_buy: '11.50', payout_ghs: '2880.75' });
    expect((row.card_code as Buffer).toString('latin1')).not.toContain('PQ4R');
    for (const stored of [row.proof_image, ...(row.more_proof_images as string[])] as string[]) {
      const file = path.join(bot.dataDir, 'media', stored);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await readFile(file)).includes(Buffer.from(GPS_MARKER))).toBe(false);
      expect((await sharp(file).metadata()).exif).toBeUndefined();
    }

    await admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    const approved = await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Approved by Yaw Admin');
    expect(approved.text).toContain('tap Mark completed once the card is resold or used');
    await tg.waitForMessage(ama.id, `Your gift card ${reference} (${steam.name} USD 250.50) was accepted: GHS 2,880.75 is now in your wallet.`);
    expect((await balances(db, ama)).balance_cedis).toBe('2880.75');

    await admin.tap(approved, '🏁 Mark completed', { chatId: ADMIN_CHAT_ID });
    const completed = await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Completed by Yaw Admin');
    expect(completed.reply_markup).toBeUndefined();
    await tg.waitForMessage(ama.id, `Your gift card trade-in ${reference} (${steam.name} USD 250.50) is completed.`);
    expect((await balances(db, ama)).balance_cedis).toBe('2880.75');

    const orders = await openOrders(tg, ama, '🎁 Gift cards', 'Your gift card trade-ins');
    expect(orders.text).toContain(`${steam.name} · USD 250.50 → GHS 2,880.75\n${reference} · 🏁 completed`);
    await ama.send('/history');
    expect((await tg.waitForMessage(ama.id, 'Your history')).text).toContain(`🎁 Gift card ${reference}\nGHS 2,880.75 · 🏁 completed`);
  });

  it('asks for identity verification before a trade-in starts', async () => {
    const card = await offerCard(bot, admin, { brand: 'Razer' });
    const kojo = tg.createUser({ id: 949001, first_name: 'Kojo' });
    await seedUser(db, kojo);
    await kojo.tap(await openCard(tg, kojo, card), '💳 Sell this card');
    await tg.waitForMessage(kojo.id, 'Money moves only for verified accounts. Send /kyc');
  });
});

describe('deciding a trade-in', () => {
  it('credits once for 30 Approve taps by three admins at once, and completes once', async () => {
    const admins = await Promise.all(
      [1, 2].map(async (index) => {
        const user = tg.createUser({ id: 941000 + index, first_name: `Desk${index}` });
        await seedUser(db, user, { adminIds: [user.id] });
        tg.joinGroup(ADMIN_CHAT_ID, user);
        return user;
      }),
    );
    const kofi = await newUser('Kofi');
    const { reference, card } = await submitted(kofi, await offerCard(bot, admin, { brand: 'Google' }), '40');

    const taps = await Promise.all([admin, ...admins].flatMap((user) => Array.from({ length: 10 }, async () => ({ user, id: await user.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID }) }))));
    const answers = await Promise.all(taps.map(({ user, id }) => user.answerOf(id)));
    expect(answers.filter((answer) => answer.text === 'Done: approved.')).toHaveLength(1);
    expect(answers.filter((answer) => /^Already approved by (Yaw Admin|Desk\d Tester)/.test(answer.text ?? ''))).toHaveLength(29);
    await tg.waitForMessage(kofi.id, 'GHS 460.00 is now in your wallet');

    const approved = await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, /Approved by/);
    const completions = await Promise.all(Array.from({ length: 10 }, () => admin.tapAndAwaitAnswer(approved, '🏁 Mark completed', { chatId: ADMIN_CHAT_ID })));
    expect(completions.filter((answer) => answer.text === 'Done: completed.')).toHaveLength(1);
    expect(completions.filter((answer) => answer.text?.startsWith('Already completed by Yaw Admin'))).toHaveLength(9);
    await tg.waitForMessage(kofi.id, 'is completed');
    await tg.settle();

    expect((await balances(db, kofi)).balance_cedis).toBe('460.00');
    const id = (await orderRow(reference)).id;
    expect(await db.query("SELECT amount FROM ledger_entries WHERE reference_kind = 'gift_card' AND reference_id = $1", [id])).toEqual([{ amount: '460.00000000' }]);
    expect(tg.messages(kofi.id).filter((message) => message.text?.includes('is now in your wallet'))).toHaveLength(1);
    expect(await db.query("SELECT action FROM admin_audit_log WHERE subject_kind = 'gift_card' AND subject_id = $1 ORDER BY id", [id])).toEqual([
      { action: 'approve' },
      { action: 'complete' },
    ]);
  });

  it('declines with a preset or a typed reason, crediting nothing and telling the user why', async () => {
    const card = await offerCard(bot, admin, { brand: 'Vanilla', rateBuy: '9.00' });
    const esi = await newUser('Esi');
    const first = await submitted(esi, card, '20');
    const second = await submitted(esi, card, '30');

    await admin.send('/pending', { chatId: ADMIN_CHAT_ID });
    const pending = await tg.waitForMessage(ADMIN_CHAT_ID, 'Waiting requests');
    expect(pending.text).toContain(`: ${card.name} USD 20.00 → GHS 180.00`);
    expect(pending.text).not.toContain('E-code');

    await admin.tap(first.card, '❌ Decline', { chatId: ADMIN_CHAT_ID });
    await tg.waitForEdit(ADMIN_CHAT_ID, first.card.message_id, () => JSON.stringify(tg.message(ADMIN_CHAT_ID, first.card.message_id)?.reply_markup).includes('Already redeemed'));
    for (const reason of ['Invalid code', 'Unreadable photo', 'Wrong card type']) {
      expect(JSON.stringify(tg.message(ADMIN_CHAT_ID, first.card.message_id)?.reply_markup)).toContain(reason);
    }
    await admin.tap(first.card, 'Already redeemed', { chatId: ADMIN_CHAT_ID });
    await tg.waitForEdit(ADMIN_CHAT_ID, first.card.message_id, 'Declined by Yaw Admin');
    await tg.waitForMessage(esi.id, `Your gift card ${first.reference} (${card.name} USD 20.00) was declined. Reason: Already redeemed. Nothing was credited.`);

    await admin.tap(second.card, '❌ Decline', { chatId: ADMIN_CHAT_ID });
    await tg.waitForEdit(ADMIN_CHAT_ID, second.card.message_id, () => JSON.stringify(tg.message(ADMIN_CHAT_ID, second.card.message_id)?.reply_markup).includes('Other reason'));
    await admin.tap(second.card, '✏️ Other reason', { chatId: ADMIN_CHAT_ID });
    const prompt = await tg.waitForMessage(ADMIN_CHAT_ID, 'Type the reason for declining Gift card');
    expect(prompt.reply_markup).toMatchObject({ force_reply: true, selective: true });
    // Typed with a full stop: the notice has one after the reason, not two.
    await admin.send('The card is from another region.', { chatId: ADMIN_CHAT_ID, replyTo: prompt.message_id });
    await tg.waitForMessage(esi.id, 'Reason: The card is from another region. Nothing was credited.');

    expect((await balances(db, esi)).balance_cedis).toBe('0.00');
    const orders = await openOrders(tg, esi, '🎁 Gift cards', 'Your gift card trade-ins');
    expect(orders.text).toContain(`${first.reference} · ❌ declined: Already redeemed`);
    expect(orders.text).toContain(`${second.reference} · ❌ declined: The card is from another region`);
  });

  it('changes nothing for a non-admin tap or a forged button', async () => {
    const efua = await newUser('Efua');
    const giftCard = await offerCard(bot, admin, { brand: 'Apple' });
    const { reference, card } = await submitted(efua, giftCard);
    const id = Number((await orderRow(reference)).id);

    expect(await member.tapAndAwaitAnswer(card, '✅ Approve', { chatId: ADMIN_CHAT_ID })).toMatchObject({ text: 'Only admins can do this.', show_alert: true });
    const own = tg.lastMessage(efua.id)?.message_id ?? 0;
    expect(await efua.answerOf(await efua.tapWithData(efua.id, own, `ap:gift_card:${id}:a`))).toMatchObject({ text: 'Only admins can do this.' });
    expect(await efua.answerOf(await efua.tapWithData(efua.id, own, `gcc:off:${giftCard.id}`))).toMatchObject({ text: 'Only admins can do this.' });
    const forged = async (data: string) => admin.answerOf(await admin.tapWithData(ADMIN_CHAT_ID, card.message_id, data));
    expect(await forged(`ap:gift_card:${id}:f`)).toMatchObject({ text: 'That button is no longer valid. Tap the card again.', show_alert: true });
    expect(await forged(`ap:gift_card:${id}:x9`)).toMatchObject({ text: 'That button is no longer valid. Tap the card again.', show_alert: true });
    expect(await forged('ap:gift_card:987654:a')).toMatchObject({ text: 'This request no longer exists.', show_alert: true });
    await tg.settle();

    expect(await orderRow(reference)).toMatchObject({ status: 'pending' });
    expect((await balances(db, efua)).balance_cedis).toBe('0.00');
    const audit = await db.query(
      "SELECT subject_kind, action FROM admin_audit_log WHERE (subject_kind = 'gift_card' AND subject_id = $1) OR (subject_kind = 'gift_card_catalogue' AND subject_id = $2)",
      [id, giftCard.id],
    );
    expect(audit).toEqual([{ subject_kind: 'gift_card_catalogue', action: 'add' }]);
    expect(await db.query('SELECT is_active FROM gift_cards WHERE id = $1', [giftCard.id])).toEqual([{ is_active: true }]);
  });
});
