import { GrammyError, HttpError, type Api } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from '../logger.ts';
import { DISPLAY_TIME_ZONE } from './format.ts';

/** Telegram does not know the token: nothing will work until BOT_TOKEN is corrected. */
export class TokenRefusedError extends Error {}

const MAX_RETRY_DELAY_MS = 60_000;
const clockTime = new Intl.DateTimeFormat('en-GB', { timeZone: DISPLAY_TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

function reasonOf(error: unknown): string {
  const cause = error instanceof HttpError ? error.error : error;
  const nested = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  return nested instanceof Error ? ((nested as { code?: string }).code ?? nested.message) : String(nested);
}

/**
 * Asks Telegram who the bot is. A refused token throws TokenRefusedError at once; while Telegram cannot be
 * reached, every failed attempt logs one line with the time of the next (1 s, 2 s, 4 s … up to a minute).
 */
export async function connectToTelegram(api: Api, logger: Logger, wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))): Promise<UserFromGetMe> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await api.getMe();
    } catch (error) {
      if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
        throw new TokenRefusedError(`Telegram refused BOT_TOKEN (${error.error_code} ${error.description}): copy the token @BotFather gave your bot (/mybots → API Token) into BOT_TOKEN.`);
      }
      if (error instanceof GrammyError) throw error;
      const delay = Math.min(1000 * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
      const retryAt = new Date(Date.now() + delay);
      logger.warn({ attempt, retry_at: retryAt.toISOString() }, `Telegram cannot be reached (${reasonOf(error)}); trying again at ${clockTime.format(retryAt)}`);
      await wait(delay);
    }
  }
}
