import { limit } from '@grammyjs/ratelimiter';
import type { Context, MiddlewareFn } from 'grammy';
import type { Logger } from '../logger.ts';
import type { UpdateLedger } from '../services/platform/updateLedger.ts';
import { UpdateLeftUnfinished, type InFlightUpdates } from './inFlight.ts';

// Every step is safe to repeat (requests are made once per reference), so asking to send it again is honest.
const APOLOGY =
  'Sorry, something went wrong on our side. Please try again in a moment: send your last message again, or any message to see the question again. Nothing will be done twice.';

function updateType(ctx: Context): string {
  return Object.keys(ctx.update).find((key) => key !== 'update_id') ?? 'unknown';
}

/**
 * The outermost middleware: a failure ends in an apology to the user and one log line with the update id,
 * never a stack trace in the chat. It also counts the update as in flight for graceful shutdown: one that
 * begins after the stop, or fails once the shutdown cut off its calls, is not handled (UpdateLeftUnfinished):
 * it comes again at the next start (polling: its offset is not confirmed; webhook: no 200), so Telegram sends it again.
 */
export function errorBoundary(logger: Logger, inFlight: InFlightUpdates): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const end = inFlight.begin(ctx.update);
    if (inFlight.stopping) {
      end();
      throw new UpdateLeftUnfinished(ctx.update.update_id);
    }
    try {
      await next();
      end();
    } catch (error) {
      if (inFlight.cutOffSignal.aborted) {
        end();
        throw new UpdateLeftUnfinished(ctx.update.update_id);
      }
      logger.error({ err: error, update_id: ctx.update.update_id, update_type: updateType(ctx) }, 'update failed');
      // A tap already answered (the failure came later) can take no alert: then the apology goes to the chat.
      const alerted = ctx.callbackQuery ? await ctx.answerCallbackQuery({ text: APOLOGY, show_alert: true }).then(() => true, () => false) : false;
      if (!alerted && ctx.chat) await ctx.reply(APOLOGY).catch(() => undefined);
      end();
    }
  };
}

/**
 * Skips an update handled before (Telegram delivers again what it has no confirmation of), and records the
 * ones handled. After the update ordering, so a second delivery of an update still being handled waits for it.
 */
export function skipHandledUpdates(ledger: UpdateLedger, logger: Logger): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const updateId = ctx.update.update_id;
    if (await ledger.wasHandled(updateId)) {
      logger.info({ update_id: updateId }, 'update skipped: handled before');
      return;
    }
    await next();
    ledger.markHandled(updateId);
  };
}

/** One line per update with its duration; ids and the update type only, never what the user typed. */
export function updateLogger(logger: Logger): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      logger.info(
        {
          update_id: ctx.update.update_id,
          update_type: updateType(ctx),
          chat_id: ctx.chat?.id,
          user_id: ctx.from?.id,
          duration_ms: Math.round(performance.now() - started),
        },
        'update handled',
      );
    }
  };
}

export interface RateLimit {
  updates: number;
  perMilliseconds: number;
}
export const DEFAULT_RATE_LIMIT: RateLimit = { updates: 20, perMilliseconds: 10_000 };

/** Stops floods only: over 20 updates in 10 s from one user are dropped, and the user is told once. */
export function abuseLimiter(rateLimit: RateLimit = DEFAULT_RATE_LIMIT): MiddlewareFn<Context> {
  return limit<Context, never>({
    timeFrame: rateLimit.perMilliseconds,
    limit: rateLimit.updates,
    keyGenerator: (ctx) => ctx.from?.id.toString(),
    onLimitExceeded: (ctx) => {
      const notice = 'You are sending too fast, so I have paused for a few seconds. Please wait a moment, then carry on.';
      const reply = ctx.callbackQuery ? ctx.answerCallbackQuery({ text: notice, show_alert: true }) : ctx.chat ? ctx.reply(notice) : undefined;
      void reply?.catch(() => undefined);
    },
  });
}
