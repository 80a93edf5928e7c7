import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout (or a given stream, for tests). Secrets are redacted by path as a second line of
 * defence: the code never passes message texts, PINs or the bot token to the logger in the first place.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: undefined,
    // A GrammyError carries the payload of the failed call (message texts with names, phones, documents).
    redact: {
      paths: ['*.token', '*.botToken', '*.password', '*.pin', 'config.botToken', 'err.payload', 'err.error.payload', 'err.cause.payload'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
