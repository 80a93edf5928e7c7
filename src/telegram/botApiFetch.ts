import type { ApiClientOptions } from 'grammy';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';

/** What grammY's API client passes to its `fetch` (platform.node's base config, then the JSON or multipart payload). */
interface BotApiRequest {
  method: string;
  headers: Record<string, string>;
  body: string | Readable;
  agent?: http.Agent;
  signal?: { aborted: boolean; addEventListener(type: 'abort', listener: () => void): void; removeEventListener(type: 'abort', listener: () => void): void };
}

/** The part of a Response grammY reads: it only calls `json()`. */
interface BotApiResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

const keptAlive = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

function abortError(): Error {
  const error = new Error('The Bot API call was aborted');
  error.name = 'AbortError';
  return error;
}

/**
 * grammY's `fetch`, straight on node's http over kept-alive connections: node-fetch's Request, Headers and Body
 * objects cost more CPU than the call itself (`npm run bench -- updates` measures it). A JSON body is written at once,
 * a multipart upload (a stream) is piped; the signal (grammY's timeout, the shutdown's deadline) ends the request.
 */
export function botApiFetch(url: string, init: BotApiRequest): Promise<BotApiResponse> {
  const secure = url.startsWith('https:');
  const { signal, body } = init;
  return new Promise<BotApiResponse>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const headers = typeof body === 'string' ? { ...init.headers, 'content-length': String(Buffer.byteLength(body)) } : init.headers;
    const request = (secure ? https : http).request(url, { method: init.method, headers, agent: init.agent ?? (secure ? keptAlive.https : keptAlive.http) });
    const onAbort = () => request.destroy(abortError());
    signal?.addEventListener('abort', onAbort);
    const settle = () => signal?.removeEventListener('abort', onAbort);
    request.once('error', (error) => {
      settle();
      reject(error);
    });
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', (error) => {
        settle();
        reject(error);
      });
      // Cut off before its end (aborted, or the connection closed): never a truncated body parsed.
      response.once('close', () => {
        if (response.complete) return;
        settle();
        reject(signal?.aborted ? abortError() : new Error('The Bot API closed the connection mid-response'));
      });
      response.once('end', () => {
        settle();
        const text = Buffer.concat(chunks).toString('utf8');
        const status = response.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 300, status, json: () => Promise.resolve().then(() => JSON.parse(text) as unknown) });
      });
    });
    if (typeof body === 'string') request.end(body);
    else
      body.once('error', (error) => request.destroy(error)).pipe(request);
  });
}

/** grammY's client options for the Bot API at `apiRoot`, through `botApiFetch`. */
export function botApiClientOptions(apiRoot: string): ApiClientOptions {
  return { apiRoot, fetch: botApiFetch };
}
