import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './bot.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { FakeTelegram, type ChatMessage, type TestUser } from './fakeTelegram/index.ts';
import { expectLedgerMatchesWallets, verifiedUser } from './flows.ts';
import { sidewaysPhoto } from './images.ts';

export interface OfferedCard {
  id: number;
  name: string;
  brand: string;
  currency?: string;
}

let offered = 0;

/** A new card offered to users (active, USD), added through the catalogue service as the admin. */
export async function offerCard(bot: TestBot, admin: TestUser, options: { brand: string; rateBuy?: string; picture?: Buffer }): Promise<OfferedCard> {
  offered += 1;
  const name = `${options.brand} Card ${offered}`;
  const outcome = await bot.services.giftcards.catalogue.add(
    { name, brand: options.brand, currency: 'USD', rateBuy: options.rateBuy ?? '11.50', rateSell: '13.00', active: true },
    options.picture ?? null,
    admin,
  );
  if (outcome.status !== 'done') throw new Error(`offerCard: ${outcome.status}`);
  return { id: outcome.card.id, name, brand: options.brand };
}

/** /giftcards → the brand → the card: the card's own message (its picture or text, with Sell and the calculator). */
export async function openCard(tg: FakeTelegram, user: TestUser, card: OfferedCard): Promise<ChatMessage> {
  await user.send('/giftcards');
  const brands = await tg.waitForMessage(user.id, 'Sell a gift card');
  await user.tap(brands, card.brand);
  await user.tap(await tg.waitForEdit(user.id, brands.message_id, 'Which card do you have?'), `${card.name} · ${card.currency ?? 'USD'}`);
  return tg.waitForMessage(user.id, (message) => (message.caption ?? message.text ?? '').startsWith(`🎁 ${card.name}`));
}

/** A trade-in up to its summary: face value, the code (or Skip), one proof photo per buffer, Done. */
export async function tradeInToSummary(
  tg: FakeTelegram,
  user: TestUser,
  card: OfferedCard,
  options: { faceValue: string; code?: string; photos: readonly Buffer[] },
): Promise<ChatMessage> {
  await user.tap(await openCard(tg, user, card), '💳 Sell this card');
  await tg.waitForMessage(user.id, 'Enter the face value in USD');
  await user.send(options.faceValue);
  const codeQuestion = await tg.waitForMessage(user.id, 'Is it an e-code');
  if (options.code) await user.send(options.code);
  else await user.tap(codeQuestion, '⏭ Skip');
  await tg.waitForMessage(user.id, 'Send a clear photo of the card');
  for (const [index, photo] of options.photos.entries()) {
    await user.sendPhoto(photo);
    const received = await tg.waitForMessage(user.id, `Photo ${index + 1} received`);
    if (index === options.photos.length - 1) await user.tap(received, '✅ Done');
  }
  return tg.waitForMessage(user.id, 'Please check your trade-in');
}

/** The GC- reference of a message. */
export function giftCardReference(message: ChatMessage): string {
  const reference = /GC-[0-9A-Z]{8}/.exec(message.text ?? '')?.[0];
  if (!reference) throw new Error(`no GC reference in: ${message.text ?? ''}`);
  return reference;
}

/** What a gift card test file works with; fresh Telegram, bot and users for each test, one database per file. */
export interface GiftCardTestWorld {
  db: TestDatabase;
  tg: FakeTelegram;
  bot: TestBot;
  /** In ADMIN_IDS and the admin group: "Yaw Admin". */
  admin: TestUser;
  /** In the admin group, not an admin. */
  member: TestUser;
  photo: Buffer;
  /** A registered user whose identity is verified. */
  newUser(name: string): Promise<TestUser>;
}

/**
 * Registers the hooks of a gift card test file and returns its world (filled in by them). Each test starts with
 * no card on offer, and ends checking that Telegram refused no call and that the ledger matches the wallets.
 */
export function useGiftCardWorld(ids: { admin: number; firstUser: number }): GiftCardTestWorld {
  const world = {} as GiftCardTestWorld;
  let nextUserId = ids.firstUser;
  world.newUser = (name) => {
    nextUserId += 1;
    return verifiedUser(world.db, world.tg, nextUserId, name);
  };
  beforeAll(async () => {
    [world.db, world.photo] = await Promise.all([createTestDatabase(), sidewaysPhoto()]);
  });
  afterAll(() => world.db.drop());
  beforeEach(async () => {
    await world.db.query('DELETE FROM approval_cards');
    await world.db.query('UPDATE gift_cards SET is_active = false');
    world.tg = await FakeTelegram.start();
    world.admin = world.tg.createUser({ id: ids.admin, first_name: 'Yaw', last_name: 'Admin' });
    world.member = world.tg.createUser({ id: ids.admin + 1, first_name: 'Member' });
    world.tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [world.admin, world.member] });
    // Tests tap through whole trade-ins faster than the flood limit allows a person.
    world.bot = await startTestBot({ db: world.db, tg: world.tg, adminIds: [ids.admin], rateLimit: { updates: 300, perMilliseconds: 10_000 } });
  });
  afterEach(async () => {
    await world.bot.stop();
    await world.tg.stop();
    expect(world.tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
    await expectLedgerMatchesWallets(world.db);
  });
  return world;
}
