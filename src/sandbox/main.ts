/**
 * npm run sandbox [-- --demo] [-- --port 8090]: the real bot against a local Bot API server, on a page at
 * http://127.0.0.1:8090 where one person plays Kofi, Ama and the admin Esi. Never talks to Telegram.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stopOnSignals } from '../app.ts';
import { createLogger } from '../logger.ts';
import { embeddedSandboxDatabases, type SandboxDatabases } from './database.ts';
import { Sandbox } from './sandbox.ts';
import { startPageServer } from './web/server.ts';

/** What a token from @BotFather looks like: the sandbox must not be mistaken for (or run as) the real bot. */
const REAL_LOOKING_TOKEN = /^\d+:[\w-]{20,}$/;

function refuse(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

const { values } = parseArgs({ options: { demo: { type: 'boolean', default: false }, port: { type: 'string', default: '8090' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) refuse(`--port must be a TCP port, e.g. --port 8090 (got ${values.port})`);
if (REAL_LOOKING_TOKEN.test(process.env.BOT_TOKEN ?? '')) {
  refuse('The sandbox refuses to start while BOT_TOKEN holds a real-looking token: it never uses one, so unset BOT_TOKEN (e.g. `env -u BOT_TOKEN npm run sandbox`) to be sure nothing reaches Telegram.');
}

const logger = createLogger(process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info', undefined, { pretty: process.stdout.isTTY });
const dataDir = path.join(process.env.DATA_DIR || './data', 'sandbox');
let databases: SandboxDatabases | undefined;
let sandbox: Sandbox | undefined;
let page: Awaited<ReturnType<typeof startPageServer>> | undefined;
const stop = async () => {
  await page?.close();
  if (sandbox) await sandbox.stop();
  else await databases?.stop();
};
// A session's bot gets 20 s of it (as npm start's does by default); a second Ctrl+C still stops PostgreSQL.
const STOP_DEADLINE_MS = 30_000;
stopOnSignals(stop, async () => databases?.stop(), logger, STOP_DEADLINE_MS);
try {
  databases = await embeddedSandboxDatabases(dataDir, logger);
  sandbox = await Sandbox.start({ dataDir, databases, logger, demo: values.demo });
  page = await startPageServer(sandbox, { port, logger });
} catch (error) {
  const reason =
    (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? `port ${port} is in use: stop what uses it, or choose another, e.g. npm run sandbox -- --port ${port + 1}`
      : error instanceof Error ? error.message : String(error);
  process.stderr.write(`The sandbox could not start: ${reason}\n`);
  logger.debug({ err: error }, 'sandbox start-up failed');
  await stop().catch(() => undefined);
  process.exit(1);
}
logger.info({ url: page.url, demo: values.demo, dataDir }, `sandbox ready: open ${page.url}`);
