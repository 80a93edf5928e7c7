/**
 * Fake Telegram Bot API server for tests.
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
export { TestUser, type MessageRef, type UserSendOptions } from './user.ts';
export { escapeHtml, parseHtml } from './html.ts';
export type { RateLimits } from './rateLimits.ts';
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
