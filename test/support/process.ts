import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll } from 'vitest';
import { botNodeArgs } from './npmStart.ts';

/** Bot processes still running; a test that failed half-way leaves none behind (nor the PostgreSQL one started). */
const running = new Set<BotProcess>();
afterAll(async () => {
  await Promise.all([...running].map((bot) => bot.stop()));
});

export interface BotProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  waitForLog(text: string, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
  /** Signals the whole process group, as a terminal's Ctrl+C does (needs `ownGroup`). */
  stopGroup(signal: NodeJS.Signals): Promise<number | string>;
}

/**
 * Runs the bot as npm start does (its node flags too), with exactly the given environment (plus PATH). `ownGroup`
 * makes it lead a process group, as a command typed in a terminal does; `command` runs other node arguments in
 * another folder (an installed copy of the bot).
 */
export function startBotProcess(env: Record<string, string>, options: { ownGroup?: boolean; command?: { args: string[]; cwd: string } } = {}): BotProcess {
  const child = spawn(process.execPath, options.command?.args ?? botNodeArgs(), {
    ...(options.command ? { cwd: options.command.cwd } : {}),
    // No test reaches a real rate API: unless the test names a fake, the sources point at a closed port.
    env: { PATH: process.env.PATH ?? '', COINGECKO_API_URL: 'http://127.0.0.1:9', COINMARKETCAP_API_URL: 'http://127.0.0.1:9', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownGroup ?? false,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));

  async function waitForLog(text: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!stdout.includes(text)) {
      if (child.exitCode !== null) throw new Error(`bot exited (${child.exitCode}) before logging "${text}":\n${stdout}\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`bot did not log "${text}" within ${timeoutMs} ms:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  const bot: BotProcess = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForLog,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
    stopGroup: async (signal) => {
      if (!options.ownGroup || child.pid === undefined) throw new Error('stopGroup needs a process started with ownGroup');
      process.kill(-child.pid, signal);
      return exited;
    },
  };
  running.add(bot);
  void exited.then(() => running.delete(bot));
  return bot;
}

/** A TCP port nothing listens on right now (for a server a test starts later, or never). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end with this environment (by default PATH and HOME only), collecting its output. */
export function runCommand(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...(options.cwd ? { cwd: options.cwd } : {}), env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
