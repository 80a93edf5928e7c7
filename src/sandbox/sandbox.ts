import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { startApp, stopApp, type Running } from '../app.ts';
import { runJobSlot } from '../jobs/scheduler.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { InFlightUpdates } from '../middleware/inFlight.ts';
import { TELEGRAM_SENDING_LIMITS, type SendingLimits } from '../telegram/apiPlugins.ts';
import { FakeTelegram, type SimulatedUser } from './botApi/index.ts';
import { FakePaystack } from './paystack/index.ts';
import type { AddressInfo } from 'node:net';
import { PAYSTACK_WEBHOOK_PATH } from '../paystackWebhook.ts';
import { ADMIN_GROUP, CAST, panesFor, SANDBOX_BOT_USERNAME, SANDBOX_TOKEN, type Pane, type PersonKey } from './cast.ts';
import { SandboxClock } from './clock.ts';
import type { SandboxDatabases } from './database.ts';
import { DEMO_PIN, seedDemo, setSandboxPaymentDetails, setSandboxPrice } from './demo.ts';

/** Telegram's overall pace, without the second between notifications to one chat or the group's 20 a minute: trying a flow is not slowed down. */
const SANDBOX_SENDING_LIMITS: SendingLimits = { ...TELEGRAM_SENDING_LIMITS, chatIntervalMs: 0, groupMessagesPerMinute: 600 };
/** People trying flows tap faster than the usual flood limit allows. */
const SANDBOX_RATE_LIMIT = { updates: 100, perMilliseconds: 10_000 };
/** A session's bot stops within this, as `npm start`'s does by default. */
const SANDBOX_SHUTDOWN_MS = 20_000;
/** Nothing listens on the discard port: were a live rate source chosen in /settings, its fetch fails locally. */
const NO_RATE_API = 'http://127.0.0.1:9';

export interface SandboxOptions {
  /** DATA_DIR/sandbox: media of the current session (the embedded database lives there too). */
  dataDir: string;
  databases: SandboxDatabases;
  logger: Logger;
  demo: boolean;
  /** Other first names for the cast (the page must show any name as text). */
  names?: Partial<Record<PersonKey, string>>;
}

/** One run of the bot: its fresh database, its own local Bot API server with the cast, and the bot itself. */
export interface Session {
  tg: FakeTelegram;
  /** The session's own fake Paystack: a payment prompt shows in the payer's pane, to approve or decline. */
  paystack: FakePaystack;
  users: Readonly<Record<PersonKey, SimulatedUser>>;
}

interface LiveSession extends Session {
  running: Running;
  inFlight: InFlightUpdates;
}

/** The real bot against the local Bot API server, with a clock that moves forward on request. */
export class Sandbox {
  readonly clock = new SandboxClock();
  readonly panes: readonly Pane[];
  readonly #options: SandboxOptions;
  readonly #names: Readonly<Record<PersonKey, string>>;
  readonly #listeners = new Set<() => void>();
  #session: LiveSession | undefined;
  /** Resets and fast forwards one at a time. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(options: SandboxOptions) {
    this.#options = options;
    this.#names = { kofi: CAST.kofi.first_name, ama: CAST.ama.first_name, esi: CAST.esi.first_name, ...options.names };
    this.panes = panesFor(this.#names);
  }

  static async start(options: SandboxOptions): Promise<Sandbox> {
    const sandbox = new Sandbox(options);
    sandbox.#session = await sandbox.#startSession();
    return sandbox;
  }

  /** What the page says above the chats: what the demo data holds. */
  get notice(): string | null {
    if (!this.#options.demo) return null;
    return `Demo data: ${this.#names.kofi} is registered and verified (PIN ${DEMO_PIN}) with GHS 5,000 deposited, 150 USDT bought, two sell orders and a buy order on the market; gift cards are on offer. ${this.#names.ama} is new: try /start.`;
  }

  /** The session the page shows; undefined while a reset is replacing it. */
  get session(): Session | undefined {
    return this.#session;
  }

  /** Calls `listener` after any change: a message, an edit, the clock, a reset. Returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Moves the bot's clock forward, then runs every job once at the new time (expiry, reminders, the digest,
   * delivery), as the scheduler would: a job that runs once per slot claims the slot of the new time, and one
   * whose slot has already run (a move within the same day, for a daily job) is skipped.
   */
  fastForward(milliseconds: number): Promise<{ ran: string[]; failed: string[]; skipped: string[] }> {
    return this.#serially(async () => {
      this.clock.advance(milliseconds);
      this.#changed();
      const outcome = { ran: [] as string[], failed: [] as string[], skipped: [] as string[] };
      const { jobList = [], schedulerDeps } = this.#session?.running ?? {};
      if (!schedulerDeps) return outcome;
      for (const job of jobList) {
        const result = await runJobSlot(job, this.clock.now(), schedulerDeps);
        (result === 'done' ? outcome.ran : result === 'failed' ? outcome.failed : outcome.skipped).push(job.name);
      }
      return outcome;
    });
  }

  /** A fresh database, empty chats and the clock back to now (demo data again with --demo). */
  reset(): Promise<void> {
    return this.#serially(async () => {
      const previous = this.#session;
      this.#session = undefined;
      this.#changed();
      if (previous) await this.#stopSession(previous);
      this.clock.reset();
      this.#session = await this.#startSession();
      this.#changed();
    });
  }

  async stop(): Promise<void> {
    await this.#queue.catch(() => undefined);
    if (this.#session) await this.#stopSession(this.#session);
    this.#session = undefined;
    await this.#options.databases.stop();
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.catch(() => undefined).then(task);
    this.#queue = result;
    return result;
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  async #startSession(): Promise<LiveSession> {
    const { logger, dataDir } = this.#options;
    const databaseUrl = await this.#options.databases.fresh();
    await rm(path.join(dataDir, 'media'), { recursive: true, force: true });
    const tg = await FakeTelegram.start({ token: SANDBOX_TOKEN, botUsername: SANDBOX_BOT_USERNAME, botName: 'Trading Desk' });
    const person = (key: PersonKey) => tg.createUser({ ...CAST[key], first_name: this.#names[key] });
    const users = { kofi: person('kofi'), ama: person('ama'), esi: person('esi') };
    tg.addGroup({ ...ADMIN_GROUP, members: [users.esi], admins: [users.esi] });
    tg.onChange(() => this.#changed());
    const paystack = await FakePaystack.start();
    paystack.onChange = () => this.#changed();

    const config: Config = {
      botToken: SANDBOX_TOKEN,
      telegramApiRoot: tg.apiRoot,
      databaseUrl,
      dataDir,
      adminChatId: ADMIN_GROUP.id,
      adminIds: [users.esi.id],
      webhook: undefined,
      // Paystack's webhooks need a port in long polling: any free one on loopback.
      healthPort: 0,
      cryptoAsset: 'USDT',
      // A session's conversations and sealed codes never outlive it.
      stateSecret: randomBytes(32).toString('hex'),
      stateSecretDerived: false,
      rateSources: { coinmarketcapUrl: NO_RATE_API, coinmarketcapApiKey: undefined, coingeckoUrl: NO_RATE_API },
      paystack: { secretKey: paystack.secretKey, apiUrl: paystack.apiUrl },
      logLevel: 'info',
      shutdownTimeoutMs: SANDBOX_SHUTDOWN_MS,
    };
    const running: Running = {};
    const inFlight = new InFlightUpdates();
    const admin = users.esi.user;
    try {
      await startApp(config, logger, running, inFlight, {
        clock: this.clock.now,
        sendingLimits: SANDBOX_SENDING_LIMITS,
        rateLimit: SANDBOX_RATE_LIMIT,
        httpHost: '127.0.0.1',
        beforeBot: async (services) => {
          await setSandboxPrice(services, admin);
          await setSandboxPaymentDetails(services, admin);
          if (this.#options.demo) await seedDemo(services, CAST, admin);
        },
      });
      paystack.webhookUrl = `http://127.0.0.1:${(running.httpServer?.address() as AddressInfo).port}${PAYSTACK_WEBHOOK_PATH}`;
    } catch (error) {
      await stopApp(running, inFlight, logger, config.shutdownTimeoutMs).catch(() => undefined);
      await Promise.all([tg.stop(), paystack.stop()]);
      throw error;
    }
    return { tg, paystack, users, running, inFlight };
  }

  async #stopSession(session: LiveSession): Promise<void> {
    await stopApp(session.running, session.inFlight, this.#options.logger, SANDBOX_SHUTDOWN_MS);
    await Promise.all([session.tg.stop(), session.paystack.stop()]);
  }
}
