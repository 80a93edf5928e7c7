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

/**
 * stdout without a terminal (a process manager, a container): lines are collected and written 4 KB at a time,
 * and at least every second, by another thread. A write per line (one per update handled) cost about 5% of the
 * bot's time under load. pino flushes what is left at exit.
 */
function bufferedStdout(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => stream.flush(), 1000).unref();
  return stream;
}
