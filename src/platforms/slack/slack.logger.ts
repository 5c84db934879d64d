import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../infra/logger.js';

const LEVELS: Record<string, LogLevel> = { trace: LogLevel.DEBUG, debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN };

/** Bolt and the WebClient log through pino; pino's level decides what is kept. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'slack' });
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...messages: unknown[]) => {
      // Bolt logs at debug on every request; skip the formatting when nobody reads it.
      if (!child.isLevelEnabled(level)) return;
      const error = messages.find((m): m is Error => m instanceof Error);
      const text = messages
        .filter((m) => m !== error)
        .map((m) => (typeof m === 'string' ? m : JSON.stringify(m)))
        .join(' ');
      if (error) child[level]({ err: error }, text || error.message);
      else child[level](text);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    // Bolt sets its default level on the logger it is given; pino's configured level stays in charge.
    setLevel: () => undefined,
    getLevel: () => LEVELS[logger.level] ?? LogLevel.ERROR,
    setName: () => undefined,
  };
}
