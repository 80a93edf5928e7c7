import { GrammyError, type Api } from 'grammy';
import { invalid, valid, type Checked } from '../services/common/validation.ts';

/** Telegram lets bots download files up to 20 MB. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
const TOO_BIG = 'That file is larger than 20 MB. Please send a smaller photo.';

export type FileDownloader = (api: Api, fileId: string, fileSize: number | undefined) => Promise<Checked<Buffer>>;

/**
 * Downloads a file a user sent, from `${apiRoot}/file/bot<token>/<file_path>`. The URL holds the token, so it
 * never appears in an error or a log line.
 */
export function createFileDownloader(config: { telegramApiRoot: string; botToken: string }): FileDownloader {
  return async (api, fileId, fileSize) => {
    // Sizes are checked before anything is read: the message's, then getFile's (a local Bot API server has no
    // 20 MB limit), and the download itself stops at the limit whatever the server claimed.
    if (fileSize !== undefined && fileSize > MAX_DOWNLOAD_BYTES) return invalid(TOO_BIG);
    let file;
    try {
      file = await api.getFile(fileId);
    } catch (error) {
      if (error instanceof GrammyError && /too big/i.test(error.description)) return invalid(TOO_BIG);
      throw error;
    }
    if (file.file_size !== undefined && file.file_size > MAX_DOWNLOAD_BYTES) return invalid(TOO_BIG);
    if (!file.file_path) return invalid('Telegram could not give me that file. Please send it again.');
    const bytes = await downloadAtMost(`${config.telegramApiRoot}/file/bot${config.botToken}/${file.file_path}`, MAX_DOWNLOAD_BYTES);
    return bytes ? valid(bytes) : invalid(TOO_BIG);
  };
}

/** The body of `url`, or null as soon as it grows past `limit` bytes (the rest is never read). */
async function downloadAtMost(url: string, limit: number): Promise<Buffer | null> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`file download failed with HTTP ${response.status}`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    total += value.length;
    if (total > limit) {
      abort.abort();
      return null;
    }
    chunks.push(value);
  }
}
