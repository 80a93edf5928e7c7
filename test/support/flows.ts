import { expect } from 'vitest';
import type { ReferencePrefix } from '../../src/services/common/references.ts';
import type { TestBot } from './bot.ts';
import { ADMIN_CHAT_ID } from './bot.ts';
import type { TestDatabase } from './database.ts';
import type { ChatMessage, FakeTelegram, TestUser, WaitOptions } from './fakeTelegram/index.ts';
import { seedUser, TEST_PIN } from './users.ts';

/** A clock the test moves by hand (quotes expire, prices go stale, PIN locks end). */
export class TestClock {
  #now: number;
  constructor(start: Date = new Date()) {
    this.#now = start.getTime();
  }
  readonly now = (): Date => new Date(this.#now);
  advance(milliseconds: number): void {
    this.#now += milliseconds;
  }
}

/** A registered user whose identity is verified, so money may move. */
export async function verifiedUser(db: TestDatabase, tg: FakeTelegram, id: number, firstName: string): Promise<TestUser> {
  const user = tg.createUser({ id, first_name: firstName, last_name: 'Test', username: `${firstName.toLowerCase()}${id}` });
  await seedUser(db, user);
  await db.query("UPDATE users SET kyc_status = 'approved' WHERE telegram_id = $1", [id]);
  return user;
}

export async function balances(db: TestDatabase, user: TestUser): Promise<Record<string, string>> {
  const [row] = await db.query<Record<string, string>>(
    `SELECT w.balance_cedis, w.escrow_balance, w.balance_crypto, w.escrow_crypto
       FROM wallets w JOIN users u ON u.id = w.user_id WHERE u.telegram_id = $1`,
    [user.id],
  );
  if (!row) throw new Error(`no wallet for ${user.id}`);
  return row;
}

/** The admin card of a request, found by the reference the user was given, once the card queue has posted it. */
export async function cardFor(tg: FakeTelegram, reference: string, options: WaitOptions = {}): Promise<ChatMessage> {
  return tg.waitForMessage(ADMIN_CHAT_ID, (message) => (message.text ?? '').includes(reference) && Boolean(message.reply_markup), options);
}

export function referenceIn(message: ChatMessage, prefix: ReferencePrefix): string {
  const reference = new RegExp(`${prefix}-[0-9A-Z]{8}`).exec(message.text ?? '')?.[0];
  expect(reference, `a ${prefix} reference in: ${message.text ?? ''}`).toBeDefined();
  return reference ?? '';
}

/** Every wallet's balances equal the sum of its ledger rows, account by account. */
export async function expectLedgerMatchesWallets(db: TestDatabase): Promise<void> {
  const mismatches = await db.query(`
    SELECT w.id, a.account, a.balance, coalesce(sum(l.amount), 0) AS ledger
      FROM wallets w
      CROSS JOIN LATERAL (VALUES ('cedis_available', w.balance_cedis), ('cedis_reserved', w.escrow_balance),
                                 ('crypto_available', w.balance_crypto), ('crypto_reserved', w.escrow_crypto)) AS a(account, balance)
      LEFT JOIN ledger_entries l ON l.wallet_id = w.id AND l.account = a.account
     GROUP BY w.id, a.account, a.balance
    HAVING a.balance <> coalesce(sum(l.amount), 0)
  `);
  expect(mismatches).toEqual([]);
}

export async function setPrice(bot: TestBot, price: string, adminId: number): Promise<void> {
  const result = await bot.services.rates.setManualPrice(price, { id: adminId, first_name: 'Admin' });
  expect(result.ok).toBe(true);
}

/** /orders, then the list with this button when /orders first asks which orders (several modules have some). */
export async function openOrders(tg: FakeTelegram, user: TestUser, button: string, heading: string): Promise<ChatMessage> {
  await user.send('/orders');
  const shown = await tg.waitForMessage(user.id, (message) => (message.text ?? '').includes(heading) || (message.text ?? '').includes('Which orders would you like to see'));
  if (shown.text?.includes(heading)) return shown;
  await user.tap(shown, button);
  return tg.waitForEdit(user.id, shown.message_id, heading);
}

/**
 * /kyc answered as a user would, up to "sent for review": the document (a Ghana Card unless said), its number,
 * the names kept as registered, a date of birth, the address, and `photo` for every side and the selfie.
 */
export async function submitKycInChat(
  tg: FakeTelegram,
  user: TestUser,
  photo: Buffer,
  details: { document?: 'Ghana Card' | 'Passport'; number?: string; address?: string } = {},
): Promise<void> {
  const document = details.document ?? 'Ghana Card';
  await user.send('/kyc');
  await user.tap(await tg.waitForMessage(user.id, 'Which document'), document);
  await tg.waitForMessage(user.id, 'number exactly as printed');
  await user.send(details.number ?? (document === 'Passport' ? 'G1234567' : 'GHA-123456789-0'));
  await user.tap(await tg.waitForMessage(user.id, 'What is your first name'), /^Keep/);
  await user.tap(await tg.waitForMessage(user.id, 'What is your last name'), /^Keep/);
  await tg.waitForMessage(user.id, 'date of birth');
  await user.send('1990-05-17');
  await tg.waitForMessage(user.id, 'home address');
  await user.send(details.address ?? 'House 4, Ring Road, Kumasi');
  for (const side of document === 'Passport' ? ['front', 'selfie'] : ['front', 'back', 'selfie']) {
    await tg.waitForMessage(user.id, side);
    await user.sendPhoto(photo);
  }
  await user.tap(await tg.waitForMessage(user.id, 'Please check your details'), '✅ Confirm and send');
  await tg.waitForMessage(user.id, 'Your documents were sent for review');
}

/** A buy through the chat, paid by mobile money, up to "I have paid": pending, with the BUY- reference it returns. */
export async function pendingBuyInChat(tg: FakeTelegram, user: TestUser, amount: string): Promise<string> {
  await user.send('/buy');
  await tg.waitForMessage(user.id, 'How much USDT do you want to buy?');
  await user.send(amount);
  await user.tap(await tg.waitForMessage(user.id, 'How will you pay?'), '📱 Mobile money');
  const payment = await tg.waitForMessage(user.id, 'by mobile money to:');
  await user.tap(payment, '✅ I have paid');
  await tg.waitForMessage(user.id, 'is waiting for our team to confirm your payment');
  return referenceIn(payment, 'BUY');
}

/** A deposit through the chat by mobile money, up to "I have paid" (no screenshot): pending, with the DEP- reference it returns. */
export async function pendingDepositInChat(tg: FakeTelegram, user: TestUser, amount: string): Promise<string> {
  await user.send('/deposit');
  await user.tap(await tg.waitForMessage(user.id, 'How will you send the cedis?'), '📱 Mobile money');
  await tg.waitForMessage(user.id, 'How much will you deposit?');
  await user.send(amount);
  const payment = await tg.waitForMessage(user.id, 'Pay exactly');
  await user.tap(payment, '✅ I have paid');
  await tg.waitForMessage(user.id, 'is waiting for our team to see the payment');
  return referenceIn(payment, 'DEP');
}

/**
 * A deposit of USDT from the user's wallet through the chat on `network` (its button), the amount and the transaction
 * hash as typed; the bot's answer (the deposit made, or the hash reported already).
 */
export async function cryptoDepositInChat(tg: FakeTelegram, user: TestUser, network: string, amount: string, hash: string): Promise<ChatMessage> {
  await user.send('/deposit');
  await user.tap(await tg.waitForMessage(user.id, 'How will you send the cedis?'), '🪙 USDT from a wallet');
  await user.tap(await tg.waitForMessage(user.id, 'On which network will you send USDT?'), network);
  await tg.waitForMessage(user.id, 'type how much USDT you sent');
  await user.send(amount);
  await tg.waitForMessage(user.id, 'paste the transaction hash');
  await user.send(hash);
  return tg.waitForMessage(user.id, /Your deposit CDP-|You reported this transaction already/);
}

/** The end of a withdrawal through the chat: the user's own name on the account, the amount, Confirm, the PIN. */
async function confirmWithdrawalInChat(tg: FakeTelegram, user: TestUser, amount: string, pin: string): Promise<void> {
  await user.tap(await tg.waitForMessage(user.id, 'What is the name on the account'), /Test$/);
  await tg.waitForMessage(user.id, 'How much do you want to withdraw?');
  await user.send(amount);
  await user.tap(await tg.waitForMessage(user.id, 'Withdraw GHS'), '✅ Confirm');
  await tg.waitForMessage(user.id, 'Type your transaction PIN');
  await user.send(pin);
}

/** A withdrawal through the chat to a bank account (a bank of the list tapped, or a name typed), up to the PIN (typed; its answer is the test's). */
export async function withdrawToBankInChat(tg: FakeTelegram, user: TestUser, amount: string, bank: { tap: string } | { type: string }, pin = TEST_PIN): Promise<void> {
  await user.send('/withdraw');
  await user.tap(await tg.waitForMessage(user.id, 'Where should the money go?'), '🏦 Bank');
  const which = await tg.waitForMessage(user.id, 'Which bank?');
  if ('tap' in bank) await user.tap(which, bank.tap);
  else await user.send(bank.type);
  await tg.waitForMessage(user.id, 'What is the account number?');
  await user.send('1234567890123');
  await confirmWithdrawalInChat(tg, user, amount, pin);
}

/** A withdrawal through the chat to the user's own MTN number, up to the PIN (typed; its answer is the test's). */
export async function withdrawToMomoInChat(tg: FakeTelegram, user: TestUser, amount: string, pin = TEST_PIN): Promise<void> {
  await user.send('/withdraw');
  await user.tap(await tg.waitForMessage(user.id, 'Where should the money go?'), '📱 Mobile money');
  await user.tap(await tg.waitForMessage(user.id, 'Which mobile money network?'), 'MTN');
  await user.tap(await tg.waitForMessage(user.id, 'Which MTN number'), 'Use 0241234567');
  await confirmWithdrawalInChat(tg, user, amount, pin);
}
