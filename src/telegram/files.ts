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
    if (fileSize !== undefined && fileSize > MAX_DOWNLOAD_BYTES) return invalid(TOO_BIG);
    let filePath: string | undefined;
    try {
      filePath = (await api.getFile(fileId)).file_path;
    } catch (error) {
      if (error instanceof GrammyError && /too big/i.test(error.description)) return invalid(TOO_BIG);
      throw error;
    }
    if (!filePath) return invalid('Telegram could not give me that file. Please send it again.');
    const response = await fetch(`${config.telegramApiRoot}/file/bot${config.botToken}/${filePath}`);
    if (!response.ok) throw new Error(`file download failed with HTTP ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    return bytes.length > MAX_DOWNLOAD_BYTES ? invalid(TOO_BIG) : valid(bytes);
  };
}
