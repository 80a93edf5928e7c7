import { Api } from 'grammy';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFileDownloader, MAX_DOWNLOAD_BYTES } from '../src/telegram/files.ts';

const TOKEN = '123456:file-test';
const TOO_BIG = { ok: false, reason: 'That file is larger than 20 MB. Please send a smaller photo.' };

/** A Bot API server (like a local one, which has no 20 MB getFile limit) that tells sizes as the test says. */
let server: Server;
let apiRoot: string;
let reported: number | undefined;
let served: number;
let downloads: number;
let sent: number;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url?.startsWith(`/bot${TOKEN}/getFile`)) {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ ok: true, result: { file_id: 'F', file_unique_id: 'U', file_path: 'documents/scan.jpg', ...(reported === undefined ? {} : { file_size: reported }) } }));
      return;
    }
    downloads += 1;
    const chunk = Buffer.alloc(64 * 1024, 7);
    const write = (): void => {
      while (sent < served) {
        const part = chunk.subarray(0, Math.min(chunk.length, served - sent));
        sent += part.length;
        if (!response.write(part)) {
          response.once('drain', write);
          return;
        }
      }
      response.end();
    };
    response.on('error', () => undefined);
    write();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  downloads = 0;
  sent = 0;
});

const download = (messageFileSize?: number) =>
  createFileDownloader({ telegramApiRoot: apiRoot, botToken: TOKEN })(new Api(TOKEN, { apiRoot }), 'F', messageFileSize);

describe('downloading a file a user sent', () => {
  it('refuses by the message size, then by getFile size, before downloading anything', async () => {
    reported = 5;
    served = 5;
    expect(await download(MAX_DOWNLOAD_BYTES + 1)).toEqual(TOO_BIG);
    reported = MAX_DOWNLOAD_BYTES + 1;
    expect(await download()).toEqual(TOO_BIG);
    expect(downloads).toBe(0);
  });

  it('stops reading at 20 MB when the server claimed nothing (or less)', async () => {
    reported = undefined;
    served = 200 * 1024 * 1024;
    expect(await download()).toEqual(TOO_BIG);
    expect(downloads).toBe(1);
    // The rest of the 200 MB was never read: the connection was dropped near the limit.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sent).toBeLessThan(MAX_DOWNLOAD_BYTES + 16 * 1024 * 1024);
  });

  it('returns a file within the limit whole', async () => {
    reported = 300_000;
    served = 300_000;
    const result = await download(300_000);
    expect(result.ok && result.value.length).toBe(300_000);
  });
});
