import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOGGER = fileURLToPath(new URL('../src/logger.ts', import.meta.url));

/** A node process that logs `lines` through the product's logger (stdout not a terminal), then exits at once. */
function loggingProcess(lines: number, exitAfterMs: number) {
  const script = `
    import { createLogger } from ${JSON.stringify(LOGGER)};
    const logger = createLogger('info');
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

  it('never keeps the process from exiting when the reader of its output has gone', async () => {
    const { child, exited } = loggingProcess(3, 500);
    // The reader goes before anything was written: the lines are still buffered when the process exits.
    child.stdout.destroy();
    const outcome = await exitWithin(exited, 10_000);
    if (outcome === 'still running') child.kill('SIGKILL');
    expect(outcome).toBe(0);
  });
});
