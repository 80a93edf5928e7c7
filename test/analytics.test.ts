import { describe, expect, it } from 'vitest';
import { newReference } from '../src/services/common/references.ts';
import { ANALYTICS_ADMIN_ID, summary, useAnalyticsWorld } from './support/analytics.ts';
import { ADMIN_CHAT_ID } from './support/bot.ts';
import type { FakeTelegram, TestUser } from './support/fakeTelegram/index.ts';
import { submitKycInChat } from './support/flows.ts';
import { offerCard, tradeInToSummary } from './support/giftcards.ts';
import { sidewaysPhoto } from './support/images.ts';
import { TEST_PIN } from './support/users.ts';

const PIN = '582719';
const DOCUMENT_NUMBER = 'GHA-987654321-5';
const EMAIL = 'abena.planted@example.com';
const ADDRESS = 'House 77, Planted Lane, Tamale';
const BANK = 'Plantedbank Savings and Loans';
const ACCOUNT_NUMBER = '0099 8877 6655';
const ACCOUNT_NAME = 'Kwesi Plantedname';
const E_CODE = 'PLNT-7Q4R-8STV-2WXY';
const MINUTE = 60_000;

const world = useAnalyticsWorld(7100);

/** Registration through the chat with the planted PIN, then KYC with the planted document number and address. */
async function registerAndVerify(tg: FakeTelegram, user: TestUser): Promise<void> {
  await user.send('/start');
  await user.tap(await tg.waitForMessage(user.id, 'Do you accept these terms?'), '✅ I accept');
  await tg.waitForMessage(user.id, 'What is your e-mail address?');
  await user.send(EMAIL);
  await tg.waitForMessage(user.id, 'What is your phone number?');
  await user.pressKeyboard('📱 Share my phone number');
  await user.tap(await tg.waitForMessage(user.id, 'What is your first name'), /^Keep/);
  await user.tap(await tg.waitForMessage(user.id, 'What is your last name'), /^Keep/);
  await tg.waitForMessage(user.id, 'Choose a transaction PIN');
  await user.send(PIN);
  await tg.waitForMessage(user.id, 'Type the same PIN again');
  await user.send(PIN);
  await user.tap(await tg.waitForMessage(user.id, 'Please check your details'), '✅ Confirm');
  await tg.waitForMessage(user.id, 'Welcome aboard');

  await submitKycInChat(tg, user, await sidewaysPhoto(), { number: DOCUMENT_NUMBER, address: ADDRESS });
}

describe('analytics events', () => {
  it('record the commands, taps and conversations of registration and KYC, and never a PIN, document number or anything typed', async () => {
    const { tg, events } = await world.start();
    const abena = tg.createUser({ id: 7001, first_name: 'Abena', last_name: 'Planted', username: 'abena_planted', phone_number: '233241112223' });
    await abena.send(`/${PIN}`);
    await tg.waitForMessage(abena.id, 'Send /start');
    await registerAndVerify(tg, abena);
    await tg.settle();

    const rows = await events();
    const stored = JSON.stringify(await world.db.query('SELECT * FROM analytics_events'));
    for (const secret of [PIN, DOCUMENT_NUMBER, '987654321', EMAIL, ADDRESS, '233241112223', '+233241112223', 'Planted', 'abena_planted', '1990-05-17']) {
      expect(stored, `analytics hold "${secret}"`).not.toContain(secret);
    }

    expect(summary(rows)).toEqual(
      expect.arrayContaining([
        'command:unknown',
        'command:start',
        'conversation_started:registration',
        'button:ask',
        'conversation_finished:registration',
        'command:kyc',
        'conversation_started:kyc',
        'conversation_finished:kyc',
      ]),
    );
    // Answers typed or sent (e-mail, names, PIN, number, address, photos) are no events at all.
    expect(rows.filter((row) => row.event_type === 'command').map((row) => row.event_name)).toEqual(['unknown', 'start', 'kyc']);
    const [registered] = await world.db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [abena.id]);
    const kycEvents = rows.filter((row) => row.event_name === 'kyc');
    expect(kycEvents.every((row) => row.user_id === registered?.id)).toBe(true);
    expect(rows.find((row) => row.event_name === 'start')?.user_id).toBeNull();
    // One session from the first message to the last, private chat throughout.
    expect(new Set(rows.map((row) => row.session_id)).size).toBe(1);
    expect(rows[0]?.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows.every((row) => row.properties.chat === 'private')).toBe(true);
  });

  it('tell how a conversation was abandoned: cancelled, expired after 30 idle minutes, or closed by another command in the group', async () => {
    const { tg, bot, clock, admin, events, newUser } = await world.start();
    const kofi = await newUser('Kofi');
    await kofi.send('/deposit');
    await tg.waitForMessage(kofi.id, 'How will you send the cedis?');
    await kofi.send('/cancel');
    await tg.waitForMessage(kofi.id, 'Cancelled. Nothing was saved.');

    await kofi.send('/deposit');
    await tg.waitForMessage(kofi.id, 'How will you send the cedis?');
    await tg.settle();
    clock.advance(31 * MINUTE);
    await bot.runJob('expire-conversations');
    await kofi.send('200');
    await tg.waitForMessage(kofi.id, 'closed after 30 minutes without an answer');

    await admin.send('/rates', { chatId: ADMIN_CHAT_ID });
    await admin.tap(await tg.waitForMessage(ADMIN_CHAT_ID, 'USDT price'), '✏️ Set the price by hand', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Type the price of 1 USDT in cedis');
    await admin.send('/pending', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'I closed the question I had asked you');
    await tg.waitForMessage(ADMIN_CHAT_ID, /Waiting requests|Nothing is waiting/);
    await tg.settle();

    const rows = await events();
    const ends = rows
      .filter((row) => row.event_type.startsWith('conversation_'))
      .map((row) => [row.event_type, row.event_name, row.properties.reason ?? null, row.properties.chat]);
    expect(ends).toEqual([
      ['conversation_started', 'deposit', null, 'private'],
      ['conversation_abandoned', 'deposit', 'cancelled', 'private'],
      ['conversation_started', 'deposit', null, 'private'],
      ['conversation_abandoned', 'deposit', 'expired', 'private'],
      ['conversation_started', 'set-price', null, 'group'],
      ['conversation_abandoned', 'set-price', 'interrupted', 'group'],
    ]);
    expect(summary(rows.filter((row) => !row.event_type.startsWith('conversation_')))).toEqual([
      'command:deposit',
      'command:cancel',
      'command:deposit',
      'command:rates',
      'button:rates',
      'command:pending',
    ]);
  });

  it('never hold a payment detail or an e-code: a withdrawal to a bank account and a gift card sold with its code', async () => {
    const { tg, bot, admin, events, newUser } = await world.start();
    const kwesi = await newUser('Kwesi');
    const [{ id: userId } = { id: 0 }] = await world.db.query<{ id: number }>('SELECT id::int FROM users WHERE telegram_id = $1', [kwesi.id]);
    const deposit = await bot.services.wallet.createDeposit({ userId, amount: '500', method: 'momo', reference: newReference('DEP'), proof: null });
    if (deposit.status !== 'created') throw new Error(deposit.status);
    await bot.services.approvals.decide({ kind: 'deposit', id: deposit.id, action: 'approve', from: { id: ANALYTICS_ADMIN_ID, first_name: 'Yaa' } });

    await kwesi.send('/withdraw');
    await kwesi.tap(await tg.waitForMessage(kwesi.id, 'You have GHS 500.00 available'), '🏦 Bank');
    await kwesi.send(BANK);
    await tg.waitForMessage(kwesi.id, 'What is the account number?');
    await kwesi.send(ACCOUNT_NUMBER);
    await tg.waitForMessage(kwesi.id, 'What is the name on the account');
    await kwesi.send(ACCOUNT_NAME);
    await tg.waitForMessage(kwesi.id, 'How much do you want to withdraw?');
    await kwesi.send('300');
    await kwesi.tap(await tg.waitForMessage(kwesi.id, 'Withdraw GHS 300.00'), '✅ Confirm');
    await tg.waitForMessage(kwesi.id, 'Type your transaction PIN');
    await kwesi.send(TEST_PIN);
    await tg.waitForMessage(kwesi.id, 'GHS 300.00 is reserved for your withdrawal');

    const card = await offerCard(bot, admin, { brand: 'Steam' });
    await kwesi.tap(await tradeInToSummary(tg, kwesi, card, { faceValue: '50', code: E_CODE, photos: [await sidewaysPhoto()] }), '✅ Confirm');
    await tg.waitForMessage(kwesi.id, 'is with our team');
    await tg.settle();

    const stored = JSON.stringify(await world.db.query('SELECT * FROM analytics_events'));
    for (const secret of [BANK, ACCOUNT_NUMBER, ACCOUNT_NUMBER.replaceAll(' ', ''), ACCOUNT_NAME, 'Plantedname', E_CODE, E_CODE.slice(-4), TEST_PIN, '0241234567']) {
      expect(stored, `analytics hold "${secret}"`).not.toContain(secret);
    }
    expect(summary(await events())).toEqual(
      expect.arrayContaining(['command:withdraw', 'conversation_started:withdraw', 'conversation_finished:withdraw', 'command:giftcards', 'conversation_finished:giftcard-trade-in']),
    );
  });

  it('record a failed update as an error, with its kind and never its message', async () => {
    const { tg, events, newUser } = await world.start({
      overrideServices: (services) => ({
        ...services,
        wallet: { ...services.wallet, summary: () => Promise.reject(new Error(`wallet of ${PIN} exploded`)) },
      }),
    });
    const esi = await newUser('Esi');
    await esi.send('/wallet');
    await tg.waitForMessage(esi.id, 'Sorry, something went wrong on our side');
    const rows = await events();
    expect(rows.map((row) => [row.event_type, row.event_name, row.properties])).toEqual([
      ['command', 'wallet', { chat: 'private', via: 'typed' }],
      ['error', 'update_failed', { chat: 'private', update: 'message', error: 'Error' }],
    ]);
  });
});
