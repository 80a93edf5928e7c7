import { stat } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID, type TestBot } from './support/bot.ts';
import type { TestDatabase } from './support/database.ts';
import type { ChatMessage, FakeTelegram, TestUser } from './support/fakeTelegram/index.ts';
import { balances, cardFor, openOrders } from './support/flows.ts';
import { giftCardReference, offerCard, openCard, tradeInToSummary, useGiftCardWorld } from './support/giftcards.ts';
import { tinyPng } from './support/images.ts';


const world = useGiftCardWorld({ admin: 950001, firstUser: 9500 });
let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let admin: TestUser;
let photo: Buffer;
beforeEach(() => {
  ({ db, tg, bot, admin, photo } = world);
});
const newUser = (name: string): Promise<TestUser> => world.newUser(name);

/** The admin answers a forced reply in the admin group: a reply to the prompt, the only way the bot sees it there. */
async function replyInGroup(promptText: string, answer: string | Buffer): Promise<ChatMessage> {
  const prompt = await tg.waitForMessage(ADMIN_CHAT_ID, promptText);
  expect(prompt.reply_markup).toMatchObject({ force_reply: true, selective: true });
  expect(prompt.entities?.some((entity) => entity.type === 'text_mention' || entity.type === 'text_link')).toBe(true);
  const options = { chatId: ADMIN_CHAT_ID, replyTo: prompt.message_id };
  if (typeof answer === 'string') await admin.send(answer, options);
  else await admin.sendPhoto(answer, options);
  return prompt;
}

const catalogueAudit = (cardId: number) =>
  db.query("SELECT action, details FROM admin_audit_log WHERE subject_kind = 'gift_card_catalogue' AND subject_id = $1 ORDER BY id", [cardId]);

describe('the catalogue', () => {
  it('lets an admin add a card in the admin group, with forced replies, a picture and an audit row', async () => {
    await admin.send('/catalogue', { chatId: ADMIN_CHAT_ID });
    const list = await tg.waitForMessage(ADMIN_CHAT_ID, 'Gift card catalogue');
    expect(list.text).toContain('💤 Amazon (USA) (Amazon, USD): no rates yet');
    await admin.tap(list, '➕ Add a card', { chatId: ADMIN_CHAT_ID });

    const namePrompt = await tg.waitForMessage(ADMIN_CHAT_ID, 'Type the name of the new card');
    await admin.send('Chatter that is not an answer', { chatId: ADMIN_CHAT_ID });
    await admin.send('Apple Gift Card (UK)', { chatId: ADMIN_CHAT_ID, replyTo: namePrompt.message_id });
    await replyInGroup('Type its brand', 'Apple');
    await admin.tap(await tg.waitForMessage(ADMIN_CHAT_ID, 'Which currency is the face value of Apple Gift Card (UK) in?'), 'GBP', { chatId: ADMIN_CHAT_ID });
    await replyInGroup('Type the buying rate', 'fourteen');
    // The reason comes with the question again, as a new forced reply to answer.
    await replyInGroup('Type the buying rate in cedis per 1 GBP as a number', '14.20');
    await replyInGroup('Type the selling rate', '15.10');
    await admin.tap(await tg.waitForMessage(ADMIN_CHAT_ID, 'Should Apple Gift Card (UK) have a picture'), '🖼 Add a picture', { chatId: ADMIN_CHAT_ID });
    await replyInGroup('Send the picture of the card', await tinyPng());
    await replyInGroup('I need at least 600 pixels on its shorter side', photo);
    const summary = await tg.waitForMessage(ADMIN_CHAT_ID, 'Add this card?');
    expect(summary.text).toContain('Apple Gift Card (UK) (Apple, GBP)\nRates: we pay GHS 14.20 per 1 GBP, sell at GHS 15.10\nPicture: yes');
    await admin.tap(summary, '✅ Add and offer it', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, '✅ Added.');

    const [card] = await db.query<{ id: number; image: string }>(
      "SELECT id, name, brand, currency, rate_buy, rate_sell, is_active, image FROM gift_cards WHERE name = 'Apple Gift Card (UK)'",
    );
    expect(card).toMatchObject({ brand: 'Apple', currency: 'GBP', rate_buy: '14.20', rate_sell: '15.10', is_active: true, image: expect.stringMatching(/^giftcards\/[\w-]+\.jpg$/) as unknown });
    expect((await stat(path.join(bot.dataDir, 'media', card?.image ?? ''))).mode & 0o777).toBe(0o600);
    expect(await catalogueAudit(card?.id ?? 0)).toEqual([
      {
        action: 'add',
        details: { name: 'Apple Gift Card (UK)', brand: 'Apple', currency: 'GBP', rate_buy: '14.20', rate_sell: '15.10', active: true, image: card?.image },
      },
    ]);

    const user = await newUser('Adwoa');
    const shown = await openCard(tg, user, { id: card?.id ?? 0, name: 'Apple Gift Card (UK)', brand: 'Apple', currency: 'GBP' });
    expect(shown.photo).toBeDefined();
    expect(shown.caption).toContain('Rate: GHS 14.20 per 1 GBP');
  });

  it('offers a starter card once an admin has set its rates, and takes it away again', async () => {
    const [steam] = await db.query<{ id: number }>("SELECT id FROM gift_cards WHERE name = 'Steam Wallet (USA)'");
    const id = steam?.id ?? 0;
    await admin.send('/catalogue');
    const list = await tg.waitForMessage(admin.id, 'Gift card catalogue');
    expect(list.text).toContain('(page 1 of 2)');
    await admin.tap(list, 'Next ▶️');
    await admin.tap(await tg.waitForEdit(admin.id, list.message_id, '(page 2 of 2)'), '💤 Steam Wallet (USA) · USD');
    const card = await tg.waitForEdit(admin.id, list.message_id, 'Steam Wallet (USA) (Steam, USD)\nStatus: 💤 inactive');
    expect(await admin.tapAndAwaitAnswer(card, '✅ Activate')).toMatchObject({ text: 'Steam Wallet (USA) has no buying rate yet: tap Edit rates first, then activate it.', show_alert: true });

    await admin.tap(card, '✏️ Edit rates');
    await tg.waitForMessage(admin.id, 'Type the buying rate');
    await admin.send('11.555');
    await tg.waitForMessage(admin.id, 'has at most 2 decimals');
    await admin.send('11.50');
    await tg.waitForMessage(admin.id, 'Type the selling rate');
    await admin.send('12.80');
    const confirm = await tg.waitForMessage(admin.id, 'Change the rates of Steam Wallet (USA)?');
    expect(confirm.text).toContain('Buying (we pay): GHS 0.00 → GHS 11.50 per 1 USD');
    await admin.tap(confirm, '✅ Confirm');
    await tg.waitForMessage(admin.id, '✅ Saved.');
    expect(await admin.tapAndAwaitAnswer(card, '✅ Activate')).toMatchObject({ text: 'Steam Wallet (USA) is offered to users now.' });
    const active = await tg.waitForEdit(admin.id, list.message_id, 'Status: ✅ offered to users');

    const user = await newUser('Yaa');
    await user.send('/giftcards');
    expect((await tg.waitForMessage(user.id, 'Sell a gift card')).text).toContain('Steam Wallet (USA): GHS 11.50 per 1 USD');

    await admin.tap(active, '💤 Deactivate');
    await tg.waitForEdit(admin.id, list.message_id, 'Status: 💤 inactive');
    await user.send('/giftcards');
    await tg.waitForMessage(user.id, 'We are not taking gift cards right now');
    expect((await catalogueAudit(id)).map((row) => row.action)).toEqual(['update_rates', 'activate', 'deactivate']);
  });
});

describe('/giftcards', () => {
  it('pages the brands, six at a time, with every card rate on the page', async () => {
    const brands = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf'];
    const cards = [];
    for (const [index, brand] of brands.entries()) cards.push(await offerCard(bot, admin, { brand, rateBuy: `${10 + index}.00` }));
    const user = await newUser('Afua');
    await user.send('/giftcards');
    const first = await tg.waitForMessage(user.id, 'Sell a gift card (page 1 of 2)');
    expect(first.text).toContain(`${cards[5]?.name ?? ''}: GHS 15.00 per 1 USD`);
    expect(first.text).not.toContain('Golf');
    await user.tap(first, 'Next ▶️');
    const second = await tg.waitForEdit(user.id, first.message_id, '(page 2 of 2)');
    expect(second.text).toContain(`${cards[6]?.name ?? ''}: GHS 16.00 per 1 USD`);
    await user.tap(second, 'Golf');
    await tg.waitForEdit(user.id, first.message_id, 'Which card do you have?');
  });
});

describe('rates and availability', () => {
  it('keeps the payout of a submitted trade-in when the rate changes before approval', async () => {
    const card = await offerCard(bot, admin, { brand: 'Amazon', rateBuy: '11.50' });
    const user = await newUser('Akua');
    await user.tap(await tradeInToSummary(tg, user, card, { faceValue: '200', photos: [photo] }), '✅ Confirm');
    const reference = giftCardReference(await tg.waitForMessage(user.id, 'is with our team'));
    expect(await bot.services.giftcards.catalogue.setRates(card.id, { rateBuy: '14.00', rateSell: '15.00' }, admin)).toMatchObject({ status: 'done' });

    const adminCard = await cardFor(tg, reference);
    expect(adminCard.text).toContain('Payout: GHS 2,300.00');
    await admin.tap(adminCard, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(user.id, 'was accepted: GHS 2,300.00 is now in your wallet');
    expect((await balances(db, user)).balance_cedis).toBe('2300.00');
    expect(await db.query('SELECT rate_buy, payout_ghs FROM gift_card_orders WHERE reference = $1', [reference])).toEqual([{ rate_buy: '11.50', payout_ghs: '2300.00' }]);
  });

  it('shows the new payout to confirm when the rate changed before Confirm', async () => {
    const card = await offerCard(bot, admin, { brand: 'eBay', rateBuy: '10.00' });
    const user = await newUser('Abena');
    const summary = await tradeInToSummary(tg, user, card, { faceValue: '50', photos: [photo] });
    expect(summary.text).toContain('You get: GHS 500.00');
    await bot.services.giftcards.catalogue.setRates(card.id, { rateBuy: '9.50', rateSell: '11.00' }, admin);
    await user.tap(summary, '✅ Confirm');
    await tg.waitForMessage(user.id, `The rate for ${card.name} changed from GHS 10.00 per 1 USD to GHS 9.50 per 1 USD, so you would now get GHS 475.00`);
    const again = await tg.waitForMessage(user.id, 'Please check your trade-in');
    expect(again.text).toContain('You get: GHS 475.00');
    expect(await db.query('SELECT id FROM gift_card_orders WHERE card_id = $1', [card.id])).toEqual([]);
    await user.tap(again, '✅ Confirm');
    const reference = giftCardReference(await tg.waitForMessage(user.id, 'is with our team'));
    expect(await db.query('SELECT rate_buy, payout_ghs FROM gift_card_orders WHERE reference = $1', [reference])).toEqual([{ rate_buy: '9.50', payout_ghs: '475.00' }]);
  });

  it('does not let an inactive card be chosen, through a stale button or a trade-in in progress', async () => {
    const card = await offerCard(bot, admin, { brand: 'Nordstrom' });
    const user = await newUser('Efia');
    const shown = await openCard(tg, user, card);
    const summary = await tradeInToSummary(tg, user, card, { faceValue: '30', photos: [photo] });
    expect(await bot.services.giftcards.catalogue.setActive(card.id, false, admin)).toMatchObject({ status: 'done' });

    await user.tap(summary, '✅ Confirm');
    await tg.waitForMessage(user.id, 'We stopped taking this card just now, so nothing was saved.');
    const unavailable = { text: 'This card is not on offer right now. Send /giftcards to see the cards we take.', show_alert: true };
    expect(await user.tapAndAwaitAnswer(shown, '💳 Sell this card')).toMatchObject(unavailable);
    expect(await user.tapAndAwaitAnswer(shown, '🧮 What do I get?')).toMatchObject(unavailable);
    expect(await user.answerOf(await user.tapWithData(user.id, shown.message_id, `gc:c:${card.id}`))).toMatchObject(unavailable);
    expect(await user.answerOf(await user.tapWithData(user.id, shown.message_id, `gc:b:${card.id}`))).toMatchObject(unavailable);
    await user.send('/giftcards');
    await tg.waitForMessage(user.id, 'We are not taking gift cards right now');
    expect(await db.query('SELECT id FROM gift_card_orders WHERE card_id = $1', [card.id])).toEqual([]);
  });
});

describe('/orders', () => {
  it('lists the gift card trade-ins newest first, five a page', async () => {
    const card = await offerCard(bot, admin, { brand: 'Sephora', rateBuy: '10.00' });
    const user = await newUser('Araba');
    const [account] = await db.query<{ id: number }>('SELECT id FROM users WHERE telegram_id = $1', [user.id]);
    for (const faceValue of ['11', '12', '13', '14', '15', '16']) {
      const result = await bot.services.giftcards.orders.create({
        userId: account?.id ?? 0,
        cardId: card.id,
        faceValue,
        quotedRate: '10.00',
        code: null,
        proofs: [photo],
        reference: `GC-TEST00${faceValue}`,
      });
      expect(result.status).toBe('created');
    }
    const first = await openOrders(tg, user, '🎁 Gift cards', 'Your gift card trade-ins');
    expect(first.text).toContain('(page 1 of 2)');
    expect(first.text?.indexOf('USD 16.00 → GHS 160.00')).toBeLessThan(first.text?.indexOf('USD 12.00') ?? 0);
    expect(first.text).not.toContain('USD 11.00');
    expect(first.text).toContain('GC-TEST0016 · ⏳ with our team');
    await user.tap(first, 'Next ▶️');
    const second = await tg.waitForEdit(user.id, first.message_id, '(page 2 of 2)');
    expect(second.text).toContain('USD 11.00 → GHS 110.00');
    // A forged page number past the end shows the last page.
    const again = await openOrders(tg, user, '🎁 Gift cards', 'Your gift card trade-ins');
    await user.answerOf(await user.tapWithData(user.id, again.message_id, 'ord:gift_card:999'));
    await tg.waitForEdit(user.id, again.message_id, '(page 2 of 2)');
  });
});
