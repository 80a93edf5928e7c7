import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api, HttpError, InputFile } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { botApiClientOptions } from '../src/telegram/botApiFetch.ts';

interface Received {
  method: string;
  contentType: string;
  body: string;
}

/** A Bot API stand-in: answers each call with `answer(received, response)`; what it received is kept in order. */
async function startServer(answer: (received: Received, response: http.ServerResponse) => void) {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const call = { method: request.url?.split('/').pop() ?? '', contentType: request.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('latin1') };
      received.push(call);
      answer(call, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { received, apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve).closeAllConnections())));
});

const okMessage = (response: http.ServerResponse) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ ok: true, result: { message_id: 7, date: 1, chat: { id: 42, type: 'private' }, text: 'hi' } }));
};

describe('the Bot API client on node http', () => {
  it('sends a JSON call and returns its result', async () => {
    const server = await startServer((_, response) => okMessage(response));
    const api = new Api('123:abc', botApiClientOptions(server.apiRoot));
    const sent = await api.sendMessage(42, 'GHS 1,150.00 ✓');
    expect(sent.message_id).toBe(7);
    expect(server.received[0]?.method).toBe('sendMessage');
    expect(server.received[0]?.contentType).toBe('application/json');
    expect(JSON.parse(Buffer.from(server.received[0]?.body ?? '', 'latin1').toString('utf8'))).toEqual({ chat_id: 42, text: 'GHS 1,150.00 ✓' });
  });

  it('uploads a file as multipart form data', async () => {
    const server = await startServer((_, response) => okMessage(response));
    const api = new Api('123:abc', botApiClientOptions(server.apiRoot));
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]);
    await api.sendPhoto(42, new InputFile(png, 'qr.png'), { caption: 'Scan it' });
    const call = server.received[0];
    expect(call?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(call?.body).toContain('filename=qr.png');
    expect(call?.body).toContain(png.toString('latin1'));
    expect(call?.body).toContain('Scan it');
  });

  it('gives up a call when its signal aborts, whatever the server does', async () => {
    const server = await startServer(() => undefined);
    const api = new Api('123:abc', botApiClientOptions(server.apiRoot));
    const abort = new AbortController();
    // grammY types its signal as the abort-controller shim's; a standard one works the same.
    const call = api.sendMessage(42, 'never answered', undefined, abort.signal as unknown as Parameters<typeof api.sendMessage>[3]);
    await expect.poll(() => server.received.length).toBe(1);
    abort.abort();
    await expect(call).rejects.toBeInstanceOf(HttpError);
  });

  it('fails a call whose answer is cut off mid-body rather than read a part of it', async () => {
    const server = await startServer((_, response) => {
      response.setHeader('content-type', 'application/json');
      response.setHeader('content-length', '500');
      response.write('{"ok":true,"result":');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const api = new Api('123:abc', botApiClientOptions(server.apiRoot));
    await expect(api.sendMessage(42, 'cut off')).rejects.toBeInstanceOf(HttpError);
  });
});
