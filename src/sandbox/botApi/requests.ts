import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Update } from 'grammy/types';
import { ApiError } from './errors.ts';
import { parseApiRequest } from './http.ts';
import { getUpdatesOptions, methods } from './methods.ts';
import { RateLimiter, type RateLimits } from './rateLimits.ts';
import { loadSchema } from './schema.ts';
import type { ApiCall, ApiErrorBody } from './types.ts';
import { validateParams } from './validation.ts';
import type { World } from './world.ts';

/**
 * Answers the bot's HTTP requests as Telegram would: file downloads and Bot API calls, with injected faults,
 * rate limits and long polls; every call goes to the world's call log.
 */
export class BotApiRequests {
  readonly #apiRoot: string;
  readonly #world: World;
  readonly #limiter: RateLimiter | undefined;
  readonly #faults = new Map<string, { error: ApiErrorBody; chatId: number | undefined }[]>();
  /** method -> resolves when the test lets its held calls through */
  readonly #holds = new Map<string, { released: Promise<void>; waiting: number }>();
  #closing = false;

  constructor(apiRoot: string, world: World, limits: RateLimits | undefined) {
    this.#apiRoot = apiRoot;
    this.#world = world;
    this.#limiter = limits ? new RateLimiter(limits, (chatId) => world.wroteAt(chatId)) : undefined;
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** From now on long polls answer at once; the pending ones are ended. */
  close(): void {
    this.#closing = true;
    this.#world.updates.release();
  }

  /** The next `times` calls of `method` (for `chatId` only, if given) fail with `error`. */
  failNext(method: string, error: ApiErrorBody, options: { times?: number; chatId?: number }): void {
    const queue = this.#faults.get(method) ?? [];
    for (let i = 0; i < (options.times ?? 1); i++) queue.push({ error, chatId: options.chatId });
    this.#faults.set(method, queue);
  }

  /** Calls of `method` get no answer until the returned function lets them (and later ones) through. */
  hold(method: string): () => void {
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.#holds.set(method, { released, waiting: 0 });
    return () => {
      this.#holds.delete(method);
      release();
    };
  }

  /** Calls of `method` waiting on a hold right now. */
  heldCalls(method: string): number {
    return this.#holds.get(method)?.waiting ?? 0;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#apiRoot);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return this.#serveFile(res, decodeURIComponent(file[1] ?? ''), decodeURIComponent(file[2] ?? ''));
    const api = /^\/bot([^/]+)\/([^/]*)$/.exec(url.pathname);
    if (!api) return this.#reply(res, { ok: false, error_code: 404, description: 'Not Found' });
    const time = Date.now();
    this.#world.lastCallTime = time;
    const requested = api[2] ?? '';
    const method = loadSchema().methodsByLowerName.get(requested.toLowerCase()) ?? requested;
    const isPoll = method === 'getUpdates';
    if (!isPoll) this.#world.inFlight += 1;
    const call: ApiCall = { method, params: {}, time, ok: false };
    try {
      const { params, files } = await parseApiRequest(req, url);
      call.params = { ...params };
      for (const [name, upload] of files) call.params[name] = { file: upload.filename ?? name, bytes: upload.bytes.length };
      if (decodeURIComponent(api[1] ?? '') !== this.#world.token) throw new ApiError(401, 'Unauthorized');
      if (!loadSchema().methods.has(method)) throw new ApiError(404, 'Not Found: method not found');
      const faults = this.#faults.get(method) ?? [];
      const faultIndex = faults.findIndex((fault) => fault.chatId === undefined || String(fault.chatId) === String(params.chat_id));
      const fault = faultIndex >= 0 ? faults.splice(faultIndex, 1)[0]?.error : undefined;
      if (fault) {
        call.injected = true;
        throw new ApiError(fault.error_code, fault.description, fault.parameters);
      }
      const retryAfter = this.#limiter && RateLimiter.counts(method, params) ? this.#limiter.admit(String(params['chat_id']), time) : undefined;
      if (retryAfter !== undefined) {
        call.rateLimited = true;
        throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
      }
      const hold = this.#holds.get(method);
      if (hold) {
        call.injected = true;
        hold.waiting += 1;
        const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
        await Promise.race([hold.released, closed]).finally(() => (hold.waiting -= 1));
        if (res.destroyed) return;
      }
      const validated = validateParams(method, params, files);
      let result: unknown;
      if (isPoll) {
        result = await this.#getUpdates(validated, res);
      } else {
        const handler = methods[method];
        if (!handler) call.fallback = true;
        result = handler ? await handler(this.#world, validated, files) : true;
      }
      call.ok = true;
      call.result = result;
      this.#reply(res, { ok: true, result });
    } catch (error) {
      if (!(error instanceof ApiError)) {
        // A bug in the fake itself: answer 500 and keep the details visible in the call log.
        call.error = { error_code: 500, description: `Internal Server Error (fake Telegram): ${String(error)}` };
        this.#reply(res, { ok: false, ...call.error });
      } else {
        call.error = {
          error_code: error.errorCode,
          description: error.description,
          ...(error.parameters ? { parameters: error.parameters } : {}),
        };
        if (isPoll && error.errorCode === 409 && error.description.startsWith('Conflict: terminated')) call.superseded = true;
        this.#reply(res, { ok: false, ...call.error });
      }
    } finally {
      if (!isPoll) this.#world.inFlight -= 1;
      this.#world.lastCallTime = Date.now();
      this.#world.recordCall(call);
    }
  }

  async #getUpdates(params: Record<string, unknown>, res: ServerResponse): Promise<Update[]> {
    if (this.#world.webhook) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    this.#world.updates.setAllowedUpdates(params['allowed_updates']);
    const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
    const timeout = this.#closing ? 0 : getUpdatesOptions(params).timeout;
    const updates = await this.#world.updates.poll({ ...getUpdatesOptions(params), timeout, closed });
    this.#world.changed();
    return updates;
  }

  #serveFile(res: ServerResponse, token: string, filePath: string): void {
    if (token !== this.#world.token) return this.#reply(res, { ok: false, error_code: 401, description: 'Unauthorized' });
    const file = this.#world.files.byPath(filePath);
    if (!file) return this.#reply(res, { ok: false, error_code: 404, description: 'Not Found: file not found' });
    res.writeHead(200, { 'content-type': file.mime_type ?? (file.kind === 'photo' ? 'image/jpeg' : 'application/octet-stream'), 'content-length': file.bytes.length });
    res.end(file.bytes);
  }

  #reply(res: ServerResponse, body: { ok: boolean; result?: unknown; error_code?: number; description?: string }): void {
    if (res.writableEnded || res.destroyed) return;
    const json = JSON.stringify(body);
    res.writeHead(body.ok ? 200 : (body.error_code ?? 500), { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  }
}
