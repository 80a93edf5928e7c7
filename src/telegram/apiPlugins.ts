import { autoRetry } from '@grammyjs/auto-retry';
import type { Api, RawApi, Transformer } from 'grammy';

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
 * Outgoing-call behaviour shared by bot.api and the api of every conversation (plugins installed on bot.api
 * do not reach inside conversations): HTML by default, and retries on 429 and 5xx.
 */
export function installApiPlugins(api: Api): void {
  api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  api.config.use(htmlParseMode);
}
