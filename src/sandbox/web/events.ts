import type { ServerResponse } from 'node:http';
import type { Sandbox } from '../sandbox.ts';
import { paneView, promptsFor } from './view.ts';

/** Changes come in bursts (a reply is several API calls): the page is told once per burst. */
const BURST_MS = 40;
const HEARTBEAT_MS = 15_000;

interface PageState {
  notice: string | null;
  resetting: boolean;
  clockOffsetMs: number;
  panes: Record<string, string>;
}

/** What the stream shows of the sandbox. */
export type PageSource = Pick<Sandbox, 'subscribe' | 'session' | 'panes' | 'notice' | 'clock'>;

/**
 * The live stream of the page (server-sent events): first `state` with everything, then `pane` for a pane
 * whose view changed and `status` when the clock moved or a reset started or ended. Every client has been sent
 * the same state (`#last`), so a change is told to all of them or to none.
 */
export class PageEvents {
  readonly #sandbox: PageSource;
  readonly #clients = new Set<ServerResponse>();
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  #last: PageState | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(sandbox: PageSource) {
    this.#sandbox = sandbox;
    this.#unsubscribe = sandbox.subscribe(() => {
      if (this.#clients.size > 0) this.#timer ??= setTimeout(() => this.#flush(), BURST_MS);
    });
    this.#heartbeat = setInterval(() => this.#broadcast(': heartbeat\n\n'), HEARTBEAT_MS);
  }

  attach(res: ServerResponse): void {
    // The clients already here are first told of the burst still waiting: the newcomer's state becomes everyone's
    // baseline, against which that burst would no longer show as a change.
    const state = this.#flush();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    this.#clients.add(res);
    res.once('close', () => this.#clients.delete(res));
    res.write(event('state', { ...status(state), panes: Object.values(state.panes).map((json) => JSON.parse(json) as unknown) }));
  }

  close(): void {
    this.#unsubscribe();
    clearInterval(this.#heartbeat);
    clearTimeout(this.#timer);
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }

  #state(): PageState {
    const session = this.#sandbox.session;
    const panes: Record<string, string> = {};
    if (session) for (const pane of this.#sandbox.panes) panes[pane.key] = JSON.stringify(paneView(session.tg, pane, session.users[pane.person], promptsFor(session.paystack, pane)));
    return { notice: this.#sandbox.notice, resetting: !session, clockOffsetMs: this.#sandbox.clock.offsetMs, panes };
  }

  /** Tells every client what changed since `#last`; returns the state they now have. */
  #flush(): PageState {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const state = this.#state();
    const last = this.#last;
    this.#last = state;
    if (!last || JSON.stringify(status(last)) !== JSON.stringify(status(state))) this.#broadcast(event('status', status(state)));
    for (const [key, json] of Object.entries(state.panes)) {
      if (last?.panes[key] !== json) this.#broadcast(`event: pane\ndata: ${json}\n\n`);
    }
    return state;
  }

  #broadcast(text: string): void {
    for (const client of this.#clients) client.write(text);
  }
}

function status(state: PageState): Omit<PageState, 'panes'> {
  return { notice: state.notice, resetting: state.resetting, clockOffsetMs: state.clockOffsetMs };
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
