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
  /** Least time between two calls to one chat (after the previous one was answered). */
  chatIntervalMs: number;
  /** Calls per minute to one group (the admin chat). */
  groupMessagesPerMinute: number;
}

/**
 * Telegram's published limits: about 30 messages a second in all (25 started a second and 5 on their way make
 * 30 at the most, while 5 in flight still allow 25 a second at up to 200 ms per call), one a second per chat,
 * 20 a minute per group.
 */
export const TELEGRAM_SENDING_LIMITS: SendingLimits = { messagesPerSecond: 25, inFlight: 5, chatIntervalMs: 1000, groupMessagesPerMinute: 20 };

/** Installs the outgoing-call plugins on an Api; one per bot, so bot.api and every conversation share one throttle. */
export type ApiPlugins = (api: Api) => void;

/**
 * Outgoing-call behaviour shared by bot.api and the api of every conversation (plugins installed on bot.api
 * do not reach inside conversations), in this order from the network out: the throttler keeps the overall
 * pace and each group's minute; chat spacing sends one call at a time per chat, a second after the previous
 * one was answered; auto-retry waits out a 429 (its retry_after) or a 5xx and sends again, through both, so a
 * retry is paced like any call; HTML is the default parse mode.
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
  return (api) => {
    // grammY runs the transformer installed last first: html → auto-retry → chat spacing → throttler → network.
    api.config.use(throttler);
    api.config.use(spacing);
    api.config.use(retry);
    api.config.use(htmlParseMode);
  };
}
