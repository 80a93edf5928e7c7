import { write, writeSync } from 'node:fs';
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
/** Kept for a reader that does not read (EAGAIN) before lines are dropped, so memory stays bounded. */
const MOST_PENDING_BYTES = 8 * 1024 * 1024;

/**
 * stdout without a terminal (a process manager, a container): lines are collected and written 4 KB at a time, and at
 * least every second, by another thread (a write per line, one per update handled, cost about 5% of the bot's time
 * under load); what is left is written at exit, in one attempt. A reader that has gone (EPIPE) ends the output; one
 * that does not read keeps at most 8 MB waiting. pino's own buffered destination (sonic-boom 4) retried a failed
 * write at exit for ever: a bot whose log reader had gone never exited, not even at its shutdown deadline.
 */
function bufferedStdout(): DestinationStream {
  const fd = 1;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let writing = false;
  let readerGone = false;
  const take = () => {
    const chunk = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return chunk;
  };
  const putBack = (rest: Buffer) => {
    pending.unshift(rest);
    pendingBytes += rest.length;
  };
  const writeOut = () => {
    if (writing || readerGone || pendingBytes === 0) return;
    const chunk = take();
    writing = true;
    write(fd, chunk, (error, written) => {
      writing = false;
      if (error && error.code !== 'EAGAIN') {
        readerGone = true;
        pending = [];
        pendingBytes = 0;
        return;
      }
      const unwritten = error ? chunk : chunk.subarray(written);
      if (unwritten.length > 0) {
        // Not read yet (EAGAIN) or written in part: the rest goes first, a little later.
        putBack(unwritten);
        setTimeout(writeOut, 100).unref();
      } else if (pendingBytes >= WRITE_AT_BYTES) writeOut();
    });
  };
  setInterval(writeOut, 1000).unref();
  process.once('exit', () => {
    // A write still in flight holds its chunk: what waits behind it is written after it here, or lost with it.
    if (readerGone || pendingBytes === 0) return;
    try {
      writeSync(fd, take());
    } catch {
      // The reader has gone, or does not read: the last lines are lost rather than the exit.
    }
  });
  return {
    write(line: string) {
      if (readerGone) return;
      if (pendingBytes >= MOST_PENDING_BYTES) return;
      const bytes = Buffer.from(line, 'utf8');
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= WRITE_AT_BYTES) writeOut();
    },
  };
}
