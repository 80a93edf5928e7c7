/**
 * A local, strict Telegram Bot API server: the sandbox runs the real bot against it, and the tests do too
 * (test/support/fakeTelegram re-exports it). Every call is validated against the published Bot API description
 * (telegram-bot-api.json) and answered as Telegram would.
 *
 *   const tg = await FakeTelegram.start();
 *   const bot = createBot(tg.token, { client: { apiRoot: tg.apiRoot } });
 *   const alice = tg.createUser({ first_name: 'Alice' });
 *   await alice.send('/start');
 *   const card = await tg.waitForMessage(alice.id, 'Welcome');
 *   const answer = await alice.tapAndAwaitAnswer(card, 'Confirm');
 *   await tg.settle();
 *   expect(tg.rejectedCalls).toEqual([]);
 *   await bot.stop(); await tg.stop();
 */
export { FakeTelegram, type StartOptions } from './server.ts';
export { SimulatedUser, type MessageRef, type UserSendOptions } from './user.ts';
export { escapeHtml, parseHtml } from './html.ts';
export { TELEGRAM_RATE_LIMITS, type RateLimits } from './rateLimits.ts';
export type {
  AddGroupOptions,
  ApiCall,
  ApiErrorBody,
  ButtonMatcher,
  CallbackAnswer,
  ChatMessage,
  CreateUserOptions,
  FakeChat,
  MessageMatcher,
  MessageVersion,
  ReplyMarkup,
  WaitOptions,
} from './types.ts';
