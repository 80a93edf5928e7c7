import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../logger.ts';
import type { Sandbox } from '../sandbox.ts';
import { actions, ActionRefused } from './actions.ts';
import { PageEvents } from './events.ts';

const PUBLIC_FILES: Record<string, string> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/render.js': 'render.js',
  '/style.css': 'style.css',
};
const CONTENT_TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
/** The page runs its own scripts and styles only: no inline script, no other origin. */
const PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const MAX_JSON_BYTES = 64 * 1024;
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const MAX_FAST_FORWARD_MINUTES = 90 * 24 * 60;

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new HttpError(413, `That is over ${Math.round(limit / 1024 / 1024) || 1} MB.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req, MAX_JSON_BYTES)).toString('utf8');
  try {
    const value: unknown = text === '' ? {} : JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'The request body must be a JSON object.');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body ?? null);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(json);
}

/** The photo kinds a browser shows as pictures; anything else is downloaded, never rendered from our origin. */
function pictureType(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes.subarray(0, 4).toString('latin1') === '\x89PNG') return 'image/png';
  if (bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

/**
 * The sandbox page on 127.0.0.1: its files, the live stream of the chats (server-sent events), the files in the
 * chats, and what people do. Only requests addressed to this host and port are served (a page elsewhere cannot
 * reach it through DNS tricks), and every action needs a custom header, which another origin cannot send.
 */
export async function startPageServer(sandbox: Sandbox, options: { port: number; logger: Logger }): Promise<{ url: string; close(): Promise<void> }> {
  const events = new PageEvents(sandbox);
  let allowedHosts = new Set<string>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('content-security-policy', PAGE_POLICY);
    if (!allowedHosts.has(req.headers.host ?? '')) throw new HttpError(403, 'Open the sandbox at its own address, http://127.0.0.1.');
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (req.method === 'GET') return get(url, res);
    if (req.method !== 'POST') throw new HttpError(405, 'Method not allowed.');
    if (req.headers['x-sandbox'] !== '1') throw new HttpError(403, 'Actions come from the sandbox page only.');
    return post(url, req, res);
  }

  async function get(url: URL, res: ServerResponse): Promise<void> {
    const file = PUBLIC_FILES[url.pathname];
    if (file) {
      const body = await readFile(new URL(`./public/${file}`, import.meta.url));
      res.writeHead(200, { 'content-type': CONTENT_TYPES[file.split('.').pop() ?? ''] ?? 'text/plain', 'cache-control': 'no-store' }).end(body);
      return;
    }
    if (url.pathname === '/events') return events.attach(res);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const stored = url.pathname.startsWith('/files/') ? sandbox.session?.tg.storedFile(decodeURIComponent(url.pathname.slice('/files/'.length))) : undefined;
    if (stored) {
      const picture = stored.kind === 'photo' ? pictureType(stored.bytes) : undefined;
      const name = (stored.file_name ?? 'file').replace(/[^\w.-]+/g, '_');
      res.writeHead(200, {
        'content-type': picture ?? 'application/octet-stream',
        'content-security-policy': "default-src 'none'",
        'cache-control': 'private, max-age=3600',
        ...(picture ? {} : { 'content-disposition': `attachment; filename="${name}"` }),
      });
      res.end(stored.bytes);
      return;
    }
    throw new HttpError(404, 'Not found.');
  }

  async function post(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (url.pathname === '/api/reset') {
      await sandbox.reset();
      return send(res, 200, { ok: true });
    }
    if (url.pathname === '/api/fast-forward') {
      const minutes = Number((await readJson(req))['minutes']);
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_FAST_FORWARD_MINUTES) throw new HttpError(400, 'Fast forward by 1 minute to 90 days.');
      return send(res, 200, await sandbox.fastForward(minutes * 60_000));
    }
    const match = /^\/api\/panes\/(\w+)\/(\w+)$/.exec(url.pathname);
    const pane = sandbox.panes.find((candidate) => candidate.key === match?.[1]);
    const action = match?.[2];
    if (!pane || !action) throw new HttpError(404, 'Not found.');
    const session = sandbox.session;
    if (!session) throw new HttpError(503, 'The sandbox is resetting: try again in a moment.');
    switch (action) {
      case 'send':
        await actions.send(session, pane, await readJson(req));
        return send(res, 200, { ok: true });
      case 'contact':
        await actions.contact(session, pane);
        return send(res, 200, { ok: true });
      case 'keyboard':
        await actions.keyboard(session, pane, await readJson(req));
        return send(res, 200, { ok: true });
      case 'tap':
        return send(res, 200, { answer: await actions.tap(session, pane, await readJson(req)) });
      case 'prompt':
        await actions.prompt(session, pane, await readJson(req));
        return send(res, 200, { ok: true });
      case 'upload': {
        const bytes = await readBody(req, MAX_UPLOAD_BYTES);
        const name = url.searchParams.get('name') ?? 'file';
        await actions.upload(session, pane, { bytes, name, type: req.headers['content-type'] ?? '', replyTo: url.searchParams.get('replyTo') ?? undefined });
        return send(res, 200, { ok: true });
      }
      default:
        throw new HttpError(404, 'Not found.');
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const known = error instanceof HttpError ? error.status : error instanceof ActionRefused ? 400 : undefined;
      if (known === undefined) options.logger.error({ err: error, path: req.url }, 'sandbox page request failed');
      if (!res.headersSent) send(res, known ?? 500, { error: error instanceof Error ? error.message : String(error) });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      events.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
