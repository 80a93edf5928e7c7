import { describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID, saveFailure } from './support/bot.ts';
import { useDesk } from './support/desk.ts';
import { balances, cardFor, referenceIn, setPrice } from './support/flows.ts';
import { TEST_PIN } from './support/users.ts';

const ADMIN_ID = 940001;

let crash: ReturnType<typeof saveFailure>;
const desk = useDesk({
  admins: { admin: { id: ADMIN_ID, first_name: 'Esi', last_name: 'Admin' } },
  firstUserId: 7000,
  botOptions: () => {
    crash = saveFailure();
    return { wrapConversationStore: crash.wrap };
  },
  // A tap answered before its save failed can take no alert: the apology then goes to the chat (src/middleware/core.ts).
  refusalIsExpected: (call) => call.method === 'answerCallbackQuery' && (call.error?.description ?? '').startsWith('Bad Request: query is too old'),
});
const newUser = (name: string) => desk.newUser(name);

function cardsOf(reference: string) {
  return desk.tg.messages(ADMIN_CHAT_ID).filter((message) => (message.text ?? '').includes(reference) && message.reply_markup);
}

describe('a crash between the commit and the conversation save', () => {
  it('makes a withdrawal once: the repeat finds it, posts no second card and tells the user the truth', async () => {
    const kofi = await newUser('Kofi');
    await desk.db.query('UPDATE wallets w SET balance_cedis = 500 FROM users u WHERE u.id = w.user_id AND u.telegram_id = $1', [kofi.id]);
    await desk.db.query("INSERT INTO ledger_entries (wallet_id, account, amount, balance_after, reason, reference_kind, reference_id) SELECT w.id, 'cedis_available', 500, 500, 'test_seed', 'test', 0 FROM wallets w JOIN users u ON u.id = w.user_id WHERE u.telegram_id = $1", [kofi.id]);
    await kofi.send('/withdraw');
    await kofi.tap(await desk.tg.waitForMessage(kofi.id, 'Where should the money go?'), '📱 Mobile money');
    await kofi.tap(await desk.tg.waitForMessage(kofi.id, 'Which mobile money network?'), 'MTN');
    await kofi.tap(await desk.tg.waitForMessage(kofi.id, 'Which MTN number'), /^Use /);
    await kofi.tap(await desk.tg.waitForMessage(kofi.id, 'What is the name on the account'), /Test$/);
    await desk.tg.waitForMessage(kofi.id, 'How much do you want to withdraw?');
    await kofi.send('200');
    const summary = await desk.tg.waitForMessage(kofi.id, 'Withdraw GHS 200.00');
    const reference = referenceIn(summary, 'WD');
    await kofi.tap(summary, '✅ Confirm');
    await desk.tg.waitForMessage(kofi.id, 'Type your transaction PIN');
    await desk.tg.settle();

    crash.failNextSave();
    await kofi.send(TEST_PIN);
    await desk.tg.waitForMessage(kofi.id, 'is reserved for your withdrawal');
    await desk.tg.waitForMessage(kofi.id, 'Sorry, something went wrong on our side');
    expect(crash.failures()).toBe(1);
    await cardFor(desk.tg, reference);
    expect(cardsOf(reference)).toHaveLength(1);

    // The user does as asked: the conversation resumes at the PIN, and the request is found, not made again.
    await kofi.send(TEST_PIN);
    const truth = await desk.tg.waitForMessage(kofi.id, 'is reserved for your withdrawal');
    expect(truth.text).toContain(reference);
    await desk.tg.settle();
    await desk.bot.cards.idle();
    expect(await desk.db.query('SELECT count(*)::int AS n FROM cash_withdrawals WHERE reference = $1', [reference])).toEqual([{ n: 1 }]);
    expect(await balances(desk.db, kofi)).toMatchObject({ balance_cedis: '300.00', escrow_balance: '200.00' });
    expect(cardsOf(reference)).toHaveLength(1);
  });

  it('makes a buy once, and posts its card later when the admin chat refused it the first time', async () => {
    await setPrice(desk.bot, '15.00', ADMIN_ID);
    const ama = await newUser('Ama');
    await ama.send('/buy');
    await desk.tg.waitForMessage(ama.id, 'How much USDT do you want to buy?');
    await ama.send('300');
    await ama.tap(await desk.tg.waitForMessage(ama.id, 'How will you pay?'), '📱 Mobile money');
    const payment = await desk.tg.waitForMessage(ama.id, 'Pay exactly');
    const reference = referenceIn(payment, 'BUY');
    await desk.tg.settle();
    // This time the card is lost too: the admin chat refused it on the first run, after the commit.
    desk.tg.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' }, { chatId: ADMIN_CHAT_ID });
    crash.failNextSave();
    await ama.tap(payment, '✅ I have paid');
    await desk.tg.waitForMessage(ama.id, 'Sorry, something went wrong on our side');
    expect(cardsOf(reference)).toHaveLength(0);

    await ama.send('hello?');
    await ama.tap(await desk.tg.waitForMessage(ama.id, 'Please send a photo, or tap one of the buttons below.'), '✅ I have paid');
    await desk.tg.waitForMessage(ama.id, (message) => (message.text ?? '').includes(`Your purchase ${reference} is waiting`));
    // The card was queued with the buy and is still owed: it goes out when its retry is due (half a minute later).
    expect(await desk.db.query("SELECT action, attempts FROM card_deliveries WHERE action = 'post'")).toEqual([{ action: 'post', attempts: 1 }]);
    await desk.db.query('UPDATE card_deliveries SET next_attempt_at = now()');
    await desk.bot.cards.deliverDue();
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, reference);
    await desk.tg.settle();
    expect(cardsOf(reference)).toHaveLength(1);
    expect(await desk.db.query('SELECT count(*)::int AS n FROM crypto_transactions WHERE reference = $1', [reference])).toEqual([{ n: 1 }]);
  });
});

describe('creating a request again with its reference', () => {
  it('returns the request made the first time, even when both run at once', async () => {
    const yaw = await newUser('Yaw');
    const [row] = await desk.db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [yaw.id]);
    const userId = Number(row?.id);
    const request = { userId, amount: '100', method: 'momo' as const, reference: 'DEP-TWICE001', proof: null };
    const [first, second] = await Promise.all([desk.bot.services.wallet.createDeposit(request), desk.bot.services.wallet.createDeposit(request)]);
    expect(first.status).toBe('created');
    expect(second.status).toBe('created');
    expect(first.status === 'created' && second.status === 'created' && first.id === second.id).toBe(true);
    expect([first, second].filter((result) => result.status === 'created' && result.repeated)).toHaveLength(1);
    expect(await desk.bot.services.wallet.createDeposit(request)).toMatchObject({ status: 'created', repeated: true });
    expect(await desk.db.query("SELECT count(*)::int AS n FROM cash_deposits WHERE reference = 'DEP-TWICE001'")).toEqual([{ n: 1 }]);
  });
});
