import { writeSync } from 'node:fs';
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/** Fields of database errors that hold user data: the query's values, the row, the offending key's value. */
const USER_DATA_FIELDS = ['values', 'row', 'detail', 'where', 'issues', 'input'] as const;

type SerializedError = Record<string, unknown>;

/** An error as logged: its message, type, stack and codes, never the data of the query that failed. */
function withoutUserData(error: SerializedError): SerializedError {
  const cleaned: SerializedError = { ...error };
  for (const field of USER_DATA_FIELDS) delete cleaned[field];
  if (cleaned.cause && typeof cleaned.cause === 'object') cleaned.cause = withoutUserData(cleaned.cause as SerializedError);
  return cleaned;
}

/**
 * JSON logs on stdout (or a given stream, for tests); readable lines instead when `pretty` (a terminal).
 * Secrets are redacted by path as a second line of defence: the code never passes message texts, PINs or the
 * bot token to the logger in the first place.
 */
export function createLogger(level: string, destination?: DestinationStream, options: { pretty?: boolean } = {}): Logger {
  const settings = {
    level,
    base: undefined,
    serializers: { err: (error: Error) => withoutUserData(stdSerializers.err(error)) },
    // A GrammyError carries the payload of the failed call (message texts with names, phones, documents).
    redact: {
      paths: ['*.token', '*.botToken', '*.password', '*.pin', 'config.botToken', 'err.payload', 'err.error.payload', 'err.cause.payload'],
      censor: '[redacted]',
    },
  };
  const output = options.pretty ? pretty({ destination: destination ?? 1, colorize: true, translateTime: 'SYS:HH:MM:ss', sync: true }) : (destination ?? bufferedStdout());
  return pino(settings, output);
}

/** Lines collected before a write; at least every second they go anyway. */
const WRITE_AT_BYTES = 4096;
/** Kept for a reader that does not read; beyond it new lines are dropped, and counted in a line once there is room. */
const MOST_PENDING_BYTES = 8 * 1024 * 1024;
/** A reader that does not read is tried again this much later. */
const RETRY_MS = 100;
/** How long the exit gives a slow reader to take what is left. */
const EXIT_WRITE_MS = 1000;

/**
 * stdout without a terminal (a process manager, a container): lines are collected and written 4 KB at a time, and at
 * least every second (a write per line, one per update handled, cost about 5% of the bot's time under load); what is
 * left is written at exit, for at most a second. A reader that has gone (EPIPE) ends the output; one that does not
 * read keeps at most 8 MB waiting. pino's own buffered destination (sonic-boom 4) retried a failed write at exit for
 * ever: a bot whose log reader had gone never exited, not even at its shutdown deadline.
 */
function bufferedStdout(): DestinationStream {
  // libuv opens a pipe or socket stdout non-blocking when process.stdout is first used: a write then takes what the
  // reader has room for, or fails (EAGAIN), and never holds the process. So the writes can be synchronous: none is
  // ever in flight, and the exit knows exactly what is left.
  const { fd } = process.stdout;
  /** Begun and not all taken by the reader: it goes first. */
  let unwritten: Buffer | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let dropped = 0;
  let retry: NodeJS.Timeout | undefined;
  let readerGone = false;

  const queue = (bytes: Buffer) => {
    pending.push(bytes);
    pendingBytes += bytes.length;
  };
  /** Writes what waits, as far as the reader takes it; false when it takes no more for now. */
  const writeSome = (): boolean => {
    if (!unwritten && pendingBytes > 0) {
      unwritten = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
    }
    if (!unwritten) return true;
    try {
      const rest = unwritten.subarray(writeSync(fd, unwritten));
      unwritten = rest.length > 0 ? rest : undefined;
      return !unwritten;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return false;
      // The reader has gone (EPIPE, a closed descriptor): nothing more is written.
      readerGone = true;
      unwritten = undefined;
      pending = [];
      pendingBytes = 0;
      return true;
    }
  };
  const writeOut = () => {
    if (retry || readerGone) return;
    while (unwritten || pendingBytes > 0) {
      if (writeSome()) continue;
      // A reader that did not take it all is tried again later, not at every new line.
      retry = setTimeout(() => {
        retry = undefined;
        writeOut();
      }, RETRY_MS).unref();
      return;
    }
  };
  setInterval(writeOut, 1000).unref();
  process.once('exit', () => {
    const deadline = Date.now() + EXIT_WRITE_MS;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (!readerGone && (unwritten || pendingBytes > 0) && Date.now() < deadline) {
      if (!writeSome()) Atomics.wait(pause, 0, 0, 10);
    }
  });
  return {
    write(line: string) {
      if (readerGone) return;
      const bytes = Buffer.from(line, 'utf8');
      if ((unwritten?.length ?? 0) + pendingBytes + bytes.length > MOST_PENDING_BYTES) {
        dropped += 1;
        return;
      }
      if (dropped > 0) {
        queue(Buffer.from(`${JSON.stringify({ level: 40, time: Date.now(), msg: 'log lines dropped: stdout was not read', dropped })}\n`));
        dropped = 0;
      }
      queue(bytes);
      if (pendingBytes >= WRITE_AT_BYTES) writeOut();
    },
  };
}
