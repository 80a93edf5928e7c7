import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface BenchProcess {
  child: ChildProcess;
  /** Resolves once the process printed `text`. */
  ready(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves once `condition` holds, failing if the process exits first. */
  until(condition: () => boolean, timeoutMs?: number): Promise<void>;
  /** The highest resident set size the process reached, in MB (Linux: VmHWM). */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** Starts `node <args>` with the environment given (plus PATH), collecting its output. */
export function startNode(args: string[], env: Record<string, string>): BenchProcess {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8').slice(-200_000)));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8').slice(-200_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  async function until(condition: () => boolean, timeoutMs = 60_000, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (child.exitCode !== null) throw new Error(`process exited before ${what}:\n${output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms:\n${output.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    child,
    ready(text, timeoutMs) {
      return until(() => output.includes(text), timeoutMs, `"${text}"`);
    },
    until(condition, timeoutMs) {
      return until(condition, timeoutMs, 'the condition');
    },
    peakRssMb() {
      const status = readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    },
    async stop() {
      child.kill('SIGTERM');
      // A process that does not stop within its own deadline (the bot's is 20 s) is killed, so no run hangs on it.
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
