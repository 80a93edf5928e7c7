import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakePaystack } from '../src/sandbox/paystack/index.ts';
import { FakeTelegram } from '../src/sandbox/botApi/index.ts';
import { ADMIN_GROUP, CAST, panesFor, SANDBOX_BOT_USERNAME, SANDBOX_TOKEN } from '../src/sandbox/cast.ts';
import { SandboxClock } from '../src/sandbox/clock.ts';
import { PageEvents, type PageSource } from '../src/sandbox/web/events.ts';

/** A page's event stream as the server writes it: the events it was sent, by name. */
class StreamClient {
  text = '';
  readonly #closed = new Set<() => void>();

  writeHead(): this {
    return this;
  }

  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }

  once(name: string, listener: () => void): this {
    if (name === 'close') this.#closed.add(listener);
    return this;
  }

  end(): void {
    for (const listener of this.#closed) listener();
  }

  /** The data of every event of that name, in order. */
  events(name: string): string[] {
    return this.text
      .split('\n\n')
      .filter((block) => block.startsWith(`event: ${name}\n`))
      .map((block) => block.slice(block.indexOf('\ndata: ') + '\ndata: '.length));
  }
}

let tg: FakeTelegram;
let source: PageSource;
let events: PageEvents;
let esi: ReturnType<FakeTelegram['createUser']>;

function attach(): StreamClient {
  const client = new StreamClient();
  events.attach(client as unknown as ServerResponse);
  return client;
}

describe('the sandbox page stream', () => {
  beforeEach(async () => {
    tg = await FakeTelegram.start({ token: SANDBOX_TOKEN, botUsername: SANDBOX_BOT_USERNAME });
    const users = { kofi: tg.createUser(CAST.kofi), ama: tg.createUser(CAST.ama), esi: tg.createUser(CAST.esi) };
    esi = users.esi;
    tg.addGroup({ ...ADMIN_GROUP, members: [users.esi], admins: [users.esi] });
    source = {
      subscribe: (listener) => tg.onChange(listener),
      session: { tg, users, paystack: new FakePaystack() },
      panes: panesFor({ kofi: 'Kofi', ama: 'Ama', esi: 'Esi' }),
      notice: null,
      clock: new SandboxClock(),
    };
    events = new PageEvents(source);
  });

  afterEach(async () => {
    events.close();
    await tg.stop();
  });

  it('tells a page of a change even when another page connects before the change is sent', async () => {
    const first = attach();
    // Privacy mode keeps this from the bot: only the chat changes, and the change waits to be sent with its burst.
    await esi.send('Morning, team', { chatId: ADMIN_GROUP.id });
    const second = attach();

    expect(second.events('state')[0]).toContain('Morning, team');
    await vi.waitFor(() => expect(first.events('pane').filter((pane) => pane.includes('Morning, team'))).toHaveLength(1), { timeout: 1_000 });
  });

  it('sends a burst of changes once, to every page', async () => {
    const pages = [attach(), attach()];
    await esi.send('Morning, team', { chatId: ADMIN_GROUP.id });
    await esi.send('Anyone on the desk?', { chatId: ADMIN_GROUP.id });

    for (const page of pages) {
      await vi.waitFor(() => expect(page.events('pane')).toHaveLength(1), { timeout: 1_000 });
      expect(page.events('pane')[0]).toContain('Anyone on the desk?');
    }
  });
});
