import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import type { Api, RawApi, Transformer } from 'grammy';
import { chatSpacing } from './chatSpacing.ts';

const HTML_TEXT_METHODS = new Set(['sendMessage', 'editMessageText']);
const HTML_CAPTION_METHODS = new Set(['sendPhoto', 'sendDocument', 'editMessageCaption', 'copyMessage']);

/** Every text the bot sends is HTML unless a call says otherwise (user text is escaped by `html`). */
const htmlParseMode: Transformer<RawApi> = (prev, method, payload, signal) => {
  const defaulted: Record<string, unknown> = { ...payload };
  if ((HTML_TEXT_METHODS.has(method) || HTML_CAPTION_METHODS.has(method)) && !('parse_mode' in defaulted)) {
    defaulted.parse_mode = 'HTML';
  }
  if (method === 'sendMediaGroup' && Array.isArray(defaulted.media)) {
    defaulted.media = (defaulted.media as Record<string, unknown>[]).map((item) =>
      'parse_mode' in item ? item : { ...item, parse_mode: 'HTML' },
    );
  }
  return prev(method, defaulted as typeof payload, signal);
};

/** How fast the bot may send: every call addressed to a chat (a `chat_id`) counts. */
export interface SendingLimits {
  /** Calls started per second in all, evenly spaced. */
  messagesPerSecond: number;
  /**
   * Calls sent and not yet answered at once. However the network bunches them, Telegram then receives at most
   * `messagesPerSecond` + this many in any second: those started in it, and those still on their way at its start.
   */
  inFlight: number;
  /** Least time between two notifications to one chat (after the previous one was answered). */
  chatIntervalMs: number;
  /** Calls per minute to one group (the admin chat). */
  groupMessagesPerMinute: number;
}

/**
 * Telegram's published limits: about 30 messages a second in all (28 started a second and 2 on their way make
 * 30 at the most; 2 in flight allow the full 28 a second while a call takes up to 70 ms, as from a server near
 * Telegram's data centres, and fewer, never more, on a slower network), one a second per chat, 20 a minute per
 * group. `npm run bench -- delivery` measures the pace against a fake that enforces the limits.
 */
export const TELEGRAM_SENDING_LIMITS: SendingLimits = { messagesPerSecond: 28, inFlight: 2, chatIntervalMs: 1000, groupMessagesPerMinute: 20 };

/** The outgoing-call plugins of one bot; every Api they are installed on shares one overall throttle. */
export interface ApiPlugins {
  /** bot.api and every conversation's api: the overall pace, each group's minute, retries, HTML by default. */
  install(api: Api): void;
  /** The api notifications go out through: the same, and one chat's calls a second apart (`chatIntervalMs`). */
  installForNotifications(api: Api): void;
}

/**
 * Outgoing-call behaviour shared by bot.api, the api of every conversation (plugins installed on bot.api do not
 * reach inside conversations) and the notifications' api, in this order from the network out: the throttler
 * keeps the overall pace and each group's minute; for notifications, chat spacing sends one call at a time per
 * chat, a second after the previous one was answered; auto-retry waits out a 429 (its retry_after) or a 5xx and
 * sends again, through both, so a retry is paced like any call; HTML is the default parse mode. Replies to what a
 * user does are not spaced: Telegram allows a chat short bursts, and a conversation's few messages would each
 * wait a second.
 */
export function createApiPlugins(limits: SendingLimits = TELEGRAM_SENDING_LIMITS): ApiPlugins {
  const throttler = apiThrottler({
    global: { minTime: Math.ceil(1000 / limits.messagesPerSecond), maxConcurrent: limits.inFlight },
    // One chat's spacing is chatSpacing's: it counts from Telegram's answer, not from joining the queue.
    out: {},
    group: { reservoir: limits.groupMessagesPerMinute, reservoirRefreshAmount: limits.groupMessagesPerMinute, reservoirRefreshInterval: 60_000 },
  });
  const spacing = chatSpacing(limits.chatIntervalMs);
  const retry = autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 });
  // grammY runs the transformer installed last first: html → auto-retry → (chat spacing) → throttler → network.
  const install = (api: Api, spaced: boolean) => {
    api.config.use(throttler);
    if (spaced) api.config.use(spacing);
    api.config.use(retry);
    api.config.use(htmlParseMode);
  };
  return { install: (api) => install(api, false), installForNotifications: (api) => install(api, true) };
}
