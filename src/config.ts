import { createHash } from 'node:crypto';
import { z } from 'zod';

/** A configuration problem that stops start-up with one line naming the variable and the fix. */
export class ConfigError extends Error {}

const integerString = /^-?\d+$/;

const configSchema = z
  .object({
    BOT_TOKEN: z
      .string({ error: 'is missing: set it to the token @BotFather gave your bot, e.g. 123456:ABC-DEF' })
      .regex(/^\d+:[\w-]+$/, 'is not a bot token: copy it from @BotFather, e.g. 123456:ABC-DEF'),
    TELEGRAM_API_ROOT: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://api.telegram.org' })
      .default('https://api.telegram.org')
      .transform((url) => url.replace(/\/+$/, '')),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL URL, e.g. postgres://user:password@host:5432/tradebot')
      .optional(),
    DATA_DIR: z.string().min(1, 'must be a folder path, e.g. ./data').default('./data'),
    ADMIN_CHAT_ID: z
      .string({ error: 'is missing: set it to the id of the admin group chat, e.g. -1001234567890' })
      .regex(integerString, 'must be a chat id (an integer), e.g. -1001234567890')
      .transform(Number)
      .refine(Number.isSafeInteger, 'is out of range: use the chat id Telegram shows, e.g. -1001234567890'),
    ADMIN_IDS: z
      .string()
      .default('')
      .transform((value, ctx) => {
        const parts = value.split(',').map((part) => part.trim()).filter((part) => part !== '');
        const ids = parts.map(Number);
        if (parts.some((part) => !/^\d+$/.test(part)) || !ids.every(Number.isSafeInteger)) {
          ctx.addIssue({ code: 'custom', message: 'must be Telegram user ids separated by commas, e.g. 11111111,22222222' });
          return z.NEVER;
        }
        return ids;
      }),
    WEBHOOK_URL: z.url({ protocol: /^https$/, error: 'must be an https URL, e.g. https://bot.example.com/telegram' }).optional(),
    WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16 to 256 letters, digits, _ or -, e.g. the output of `openssl rand -hex 32`')
      .optional(),
    PORT: z
      .string()
      .regex(/^\d+$/, 'must be a TCP port number, e.g. 8080')
      .default('8080')
      .transform(Number)
      .refine((port) => port > 0 && port < 65536, 'must be a TCP port between 1 and 65535, e.g. 8080'),
    CRYPTO_ASSET: z
      .string()
      .regex(/^[A-Z0-9]{2,10}$/, 'must be an asset ticker in capitals, e.g. USDT')
      .default('USDT'),
    CMC_API_KEY: z.string().min(10, 'looks too short: copy the API key from pro.coinmarketcap.com').optional(),
    COINMARKETCAP_API_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://pro-api.coinmarketcap.com' })
      .default('https://pro-api.coinmarketcap.com')
      .transform((url) => url.replace(/\/+$/, '')),
    COINGECKO_API_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://api.coingecko.com' })
      .default('https://api.coingecko.com')
      .transform((url) => url.replace(/\/+$/, '')),
    PAYSTACK_SECRET_KEY: z
      .string()
      .regex(/^sk_(test|live)_[A-Za-z0-9]{10,}$/, 'is not a Paystack secret key: copy it from the Paystack dashboard (Settings → API Keys & Webhooks), e.g. sk_live_…')
      .optional(),
    PAYSTACK_API_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://api.paystack.co' })
      .default('https://api.paystack.co')
      .transform((url) => url.replace(/\/+$/, '')),
    STATE_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters, e.g. the output of `openssl rand -hex 32`')
      .optional(),
    SHUTDOWN_TIMEOUT_S: z
      .string()
      .regex(/^\d+$/, 'must be a whole number of seconds, e.g. 20')
      .default('20')
      .transform(Number)
      .refine((seconds) => seconds >= 4 && seconds <= 600, 'must be between 4 and 600 seconds, e.g. 20 (keep it below your process manager\'s stop timeout)'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_SECRET'],
        message: 'is required when WEBHOOK_URL is set: Telegram sends it with every update so others cannot, e.g. the output of `openssl rand -hex 32`',
      });
    }
  });

/** PORT as given (not its default): in long polling, Paystack's webhooks need a port to arrive on. */
function paystackPortIssue(present: Record<string, string | undefined>): string | null {
  return present.PAYSTACK_SECRET_KEY && !present.WEBHOOK_URL && !present.PORT
    ? 'Configuration error: PORT is required with PAYSTACK_SECRET_KEY in long polling: Paystack posts its webhooks to /paystack/webhook on it, e.g. PORT=8080'
    : null;
}

type Env = z.output<typeof configSchema>;

export interface Config {
  botToken: string;
  telegramApiRoot: string;
  databaseUrl: string | undefined;
  dataDir: string;
  adminChatId: number;
  adminIds: readonly number[];
  webhook: { url: string; secret: string; port: number } | undefined;
  /** PORT when it was set: long polling then serves /healthz on it too (webhook mode always does, on its port). */
  healthPort: number | undefined;
  cryptoAsset: string;
  /** Encrypts conversation state and gift card codes: STATE_SECRET, or (first run) one derived from BOT_TOKEN. */
  stateSecret: string;
  /** Whether stateSecret was derived from BOT_TOKEN because STATE_SECRET is unset. */
  stateSecretDerived: boolean;
  rateSources: { coinmarketcapUrl: string; coinmarketcapApiKey: string | undefined; coingeckoUrl: string };
  /** Paystack, on when PAYSTACK_SECRET_KEY is set: mobile-money charges and their webhooks at /paystack/webhook on PORT. */
  paystack: PaystackConfig | undefined;
  logLevel: Env['LOG_LEVEL'];
  /** SIGTERM or SIGINT end the process within this (SHUTDOWN_TIMEOUT_S), whatever Telegram does. */
  shutdownTimeoutMs: number;
}

export interface PaystackConfig {
  secretKey: string;
  apiUrl: string;
}

/** The default STATE_SECRET: stable for a given token, and not the token itself. */
function derivedStateSecret(botToken: string): string {
  return createHash('sha256').update(`tradebot state secret:${botToken}`).digest('hex');
}

/** Reads the environment; throws ConfigError with the first problem, naming the variable. */
export function loadConfig(environment: NodeJS.ProcessEnv): Config {
  // An empty variable means unset, as in `FOO= npm start`.
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`Configuration error: ${variable} ${issue?.message ?? 'is invalid'}`);
  }
  const env = parsed.data;
  const portIssue = paystackPortIssue(present);
  if (portIssue) throw new ConfigError(portIssue);
  return {
    botToken: env.BOT_TOKEN,
    telegramApiRoot: env.TELEGRAM_API_ROOT,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    adminChatId: env.ADMIN_CHAT_ID,
    adminIds: env.ADMIN_IDS,
    webhook:
      env.WEBHOOK_URL && env.WEBHOOK_SECRET
        ? { url: env.WEBHOOK_URL, secret: env.WEBHOOK_SECRET, port: env.PORT }
        : undefined,
    healthPort: 'PORT' in present ? env.PORT : undefined,
    cryptoAsset: env.CRYPTO_ASSET,
    stateSecret: env.STATE_SECRET ?? derivedStateSecret(env.BOT_TOKEN),
    stateSecretDerived: env.STATE_SECRET === undefined,
    rateSources: { coinmarketcapUrl: env.COINMARKETCAP_API_URL, coinmarketcapApiKey: env.CMC_API_KEY, coingeckoUrl: env.COINGECKO_API_URL },
    paystack: env.PAYSTACK_SECRET_KEY ? { secretKey: env.PAYSTACK_SECRET_KEY, apiUrl: env.PAYSTACK_API_URL } : undefined,
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_S * 1000,
  };
}
