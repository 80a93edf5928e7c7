import { autoRetry } from '@grammyjs/auto-retry';
import type { Api, RawApi, Transformer } from 'grammy';
import { chatSpacing } from './chatSpacing.ts';
import { sendingPace, type PaceLimits } from './sendingPace.ts';

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

/**
 * Every call ends when `stop` aborts: its request, a wait between retries, and a wait for its turn in the
 * pace (which does not watch the signal: the call's turn then passes at once).
 */
function endedBy(stop: AbortSignal): Transformer<RawApi> {
  return (prev, method, payload, signal) => {
    stop.throwIfAborted();
    // grammY's and the runner's signals come from an AbortController shim, which AbortSignal.any does not take.
    const both = new AbortController();
    const abort = () => both.abort(stop.reason);
    const abortCall = () => both.abort();
    stop.addEventListener('abort', abort, { once: true });
    signal?.addEventListener('abort', abortCall);
    if (signal?.aborted) abortCall();
    return new Promise<Awaited<ReturnType<typeof prev>>>((resolve, reject) => {
      both.signal.addEventListener('abort', () => reject(stop.aborted ? (stop.reason as Error) : new Error('call aborted')), { once: true });
      prev(method, payload, both.signal as unknown as typeof signal).then(resolve, reject);
    }).finally(() => {
      stop.removeEventListener('abort', abort);
      signal?.removeEventListener('abort', abortCall);
    });
  };
}

/** How fast the bot may send: every call addressed to a chat (a `chat_id`) counts. */
export interface SendingLimits extends PaceLimits {
  /** Least time between two notifications to one chat (after the previous one was answered). */
  chatIntervalMs: number;
}

/**
 * Telegram's published limits: about 30 messages a second in all (28 started a second and 2 on their way make
 * 30 at the most; 2 in flight allow the full 28 a second while a call takes up to 70 ms, as from a server near
 * Telegram's data centres, and fewer, never more, on a slower network), one a second per chat, 20 a minute per
 * group. `npm run bench -- delivery` measures the pace against a fake that enforces the limits.
 */
export const TELEGRAM_SENDING_LIMITS: SendingLimits = { messagesPerSecond: 28, inFlight: 2, chatIntervalMs: 1000, groupMessagesPerMinute: 20 };

/** The outgoing-call plugins of one bot; every Api they are installed on shares one overall pace. */
export interface ApiPlugins {
  /** bot.api and every conversation's api: the overall pace, each group's minute, retries, HTML by default. */
  install(api: Api): void;
  /** The api notifications go out through: the same, and one chat's calls a second apart (`chatIntervalMs`). */
  installForNotifications(api: Api): void;
}

/**
 * Outgoing-call behaviour shared by bot.api, the api of every conversation (plugins installed on bot.api do not
 * reach inside conversations) and the notifications' api, in this order from the network out: the pace
 * (sendingPace) keeps the overall rate and each group's minute; for notifications, chat spacing sends one call at a time per
 * chat, a second after the previous one was answered; auto-retry waits out a 429 (its retry_after) or a 5xx and
 * sends again, through both, so a retry is paced like any call, but not a network error (it would retry those
 * for ever, 3 s, 6 s … an hour apart, past its attempt limit): that call fails; HTML is the default parse mode;
 * `stop` (the shutdown's cut-off) ends every call still waiting. Replies to what a
 * user does are not spaced: Telegram allows a chat short bursts, and a conversation's few messages would each
 * wait a second.
 */
export function createApiPlugins(limits: SendingLimits = TELEGRAM_SENDING_LIMITS, stop: AbortSignal = new AbortController().signal): ApiPlugins {
  const pace = sendingPace(limits);
  const spacing = chatSpacing(limits.chatIntervalMs);
  const retry = autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, rethrowHttpErrors: true });
  const stoppable = endedBy(stop);
  // grammY runs the transformer installed last first: ended by stop → html → auto-retry → (chat spacing) → pace → network.
  const install = (api: Api, spaced: boolean) => {
    api.config.use(pace);
    if (spaced) api.config.use(spacing);
    api.config.use(retry);
    api.config.use(htmlParseMode);
    api.config.use(stoppable);
  };
  return { install: (api) => install(api, false), installForNotifications: (api) => install(api, true) };
}
