import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOGGER = fileURLToPath(new URL('../src/logger.ts', import.meta.url));

/** A node process that logs `lines` through the product's logger as src/main.ts makes it (stdout not a terminal), then exits. */
function loggingProcess(lines: number, exitAfterMs: number) {
  const script = `
    import { createLogger } from ${JSON.stringify(LOGGER)};
    // As npm start does: pretty output on a terminal only.
    const logger = createLogger('info', undefined, { pretty: process.stdout.isTTY });
    setTimeout(() => {
      for (let line = 0; line < ${lines}; line += 1) logger.info({ line }, 'logged');
      process.exit(0);
    }, ${exitAfterMs});
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

/** Resolves with the exit code, or 'still running' after `ms`. */
function exitWithin(exited: Promise<number | null>, ms: number): Promise<number | null | 'still running'> {
  return Promise.race([exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), ms).unref())]);
}

describe('log output on stdout (not a terminal)', () => {
  it('writes every line, those still buffered at exit included', async () => {
    const { child, exited } = loggingProcess(3, 0);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    expect(await exitWithin(exited, 10_000)).toBe(0);
    expect(output.trim().split('\n').map((line) => (JSON.parse(line) as { line: number }).line)).toEqual([0, 1, 2]);
  });

  it('gives a reader that starts late every line, none cut, those left at exit included', async () => {
    // More than the socket between them holds: the process meets a full buffer (EAGAIN) before the reader starts.
    const { child, exited } = loggingProcess(5000, 0);
    child.stdout.pause();
    let output = '';
    setTimeout(() => {
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stdout.resume();
    }, 600);
    expect(await exitWithin(exited, 10_000)).toBe(0);
    expect(output.trim().split('\n').map((line) => (JSON.parse(line) as { line: number }).line)).toEqual(Array.from({ length: 5000 }, (_, line) => line));
  });

  it('exits within a second or so when the reader is there but never reads', async () => {
    const { child, exited } = loggingProcess(20_000, 0);
    child.stdout.pause();
    const started = Date.now();
    const outcome = await exitWithin(exited, 10_000);
    if (outcome === 'still running') child.kill('SIGKILL');
    expect(outcome).toBe(0);
    expect(Date.now() - started).toBeLessThan(8_000);
    child.stdout.destroy();
  });

  it('never keeps the process from exiting when the reader of its output has gone', async () => {
    const { child, exited } = loggingProcess(3, 500);
    // The reader goes before anything was written: the lines are still buffered when the process exits.
    child.stdout.destroy();
    const outcome = await exitWithin(exited, 10_000);
    if (outcome === 'still running') child.kill('SIGKILL');
    expect(outcome).toBe(0);
  });
});
