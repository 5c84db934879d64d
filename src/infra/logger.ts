import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs to stderr, so the console adapter's replies on stdout stay clean
 * and a piped `npm start` prints only what the user asked for.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'questlog' } }, pino.destination({ fd: 2, sync: false }));
}
