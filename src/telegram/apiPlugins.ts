import { autoRetry } from '@grammyjs/auto-retry';
import { Api, type Context, type RawApi, type Transformer } from 'grammy';
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

/** How fast the bot may send. */
export interface SendingLimits extends PaceLimits {
  /** Least time between two bulk calls to one chat (after the previous one was answered). */
  chatIntervalMs: number;
}

/**
 * Telegram's published limits for what the bot sends on its own: about 30 messages a second (28 started a second,
 * evenly spaced), one a second per chat, 20 a minute per group. 6 bulk calls in flight keep the full 28 a second
 * while a call takes up to 210 ms. Of a group's 20, bulk calls (cards, reminders) leave 3 to answers. A private chat
 * takes 5 calls in any second, the short burst that answering a fast user needs.
 * `npm run bench -- delivery` measures the pace against a fake that enforces the limits.
 */
export const TELEGRAM_SENDING_LIMITS: SendingLimits = {
  messagesPerSecond: 28,
  inFlight: 6,
  chatIntervalMs: 1000,
  groupMessagesPerMinute: 20,
  groupWindowMs: 60_000,
  groupPlacesForAnswers: 3,
  chatCallsPerSecond: 5,
};

/** The outgoing-call plugins of one bot: two lanes (see sendingPace) sharing each group's window. */
export interface ApiPlugins {
  /** bot.api: answers to the update being handled, at once (a group's calls wait for its window). */
  install(api: Api): void;
  /**
   * A conversation's context: the conversations plugin records every call and replays the record on each update, so
   * the answers lane goes below its recorder (a new Api with the lane, then the recorder): only calls that really go
   * out are paced and counted, and a replayed one waits for nothing.
   */
  installInConversation(ctx: Context): void;
  /** The api the bot sends on its own through (notifications, broadcasts, cards, jobs): the paced bulk lane. */
  installForNotifications(api: Api): void;
}

/**
 * Outgoing-call behaviour, in this order from the network out: the lane's pace; for bulk, chat spacing sends one
 * call at a time per chat, a second after the previous one was answered; auto-retry waits out a 429 (its
 * retry_after) or a 5xx and sends again, through the pace, but not a network error (it would retry those for ever,
 * 3 s, 6 s … an hour apart, past its attempt limit): that call fails; HTML is the default parse mode; `stop` (the
 * shutdown's cut-off) ends every call still waiting. Answers are not spaced: Telegram allows a chat short bursts.
 */
export function createApiPlugins(limits: SendingLimits = TELEGRAM_SENDING_LIMITS, stop: AbortSignal = new AbortController().signal): ApiPlugins {
  const pace = sendingPace(limits);
  const spacing = chatSpacing(limits.chatIntervalMs);
  const retry = autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, rethrowHttpErrors: true });
  const stoppable = endedBy(stop);
  // grammY runs the transformer installed last first: ended by stop → html → auto-retry → (chat spacing) → pace → network.
  const installAnswers = (api: Api) => api.config.use(pace.answers, retry, htmlParseMode, stoppable);
  return {
    install: installAnswers,
    installInConversation(ctx) {
      const recorder = ctx.api.config.installedTransformers();
      const api = new Api(ctx.api.token, ctx.api.options);
      installAnswers(api);
      api.config.use(...recorder);
      Object.assign(ctx, { api });
    },
    installForNotifications: (api) => api.config.use(pace.bulk, spacing, retry, htmlParseMode, stoppable),
  };
}
