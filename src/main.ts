import { fileURLToPath } from 'node:url';
import { startApp, stopApp, stopOnSignals, type AppOptions, type Running } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { InFlightUpdates } from './middleware/inFlight.ts';
import { TokenRefusedError } from './telegram/connect.ts';

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** `npm start`: the bot from the environment until SIGTERM or SIGINT. `options` only for the benchmark of updates. */
export async function main(options: AppOptions = {}): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel, undefined, { pretty: process.stdout.isTTY });
  const running: Running = {};
  const inFlight = new InFlightUpdates();

  const deadlineMs = config.shutdownTimeoutMs;
  stopOnSignals(() => stopApp(running, inFlight, logger, deadlineMs), async () => running.embedded?.stop(), logger, deadlineMs);
  // Without its database the bot could only apologise for every update: it stops, and says why once.
  const onDatabaseExit = ({ code, signal }: { code: number | null; signal: string | null }) => {
    logger.fatal(
      { exit_code: code, signal },
      'The embedded PostgreSQL stopped unexpectedly, so the bot stops. Start the bot again (it restarts PostgreSQL and keeps the data); if this repeats, check the free disk space and memory of this machine.',
    );
    process.exit(1);
  };

  try {
    await startApp(config, logger, running, inFlight, { onDatabaseExit, ...options });
  } catch (error) {
    if (error instanceof TokenRefusedError) process.stderr.write(`${error.message}\n`);
    else logger.fatal({ err: error }, 'start-up failed');
    await stopApp(running, inFlight, logger, deadlineMs).catch(() => undefined);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
