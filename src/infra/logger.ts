import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { logContext } from '../core/log-context.js';
import { redactSecrets, safeError } from '../core/redact.js';

export type { Logger };
export { withLogContext, logContext } from '../core/log-context.js';

/**
 * The options every Questlog logger uses: errors serialized without SQL
 * parameters or secrets, messages scrubbed of URL credentials and tokens,
 * well-known secret fields censored, and the command's correlation id mixed in.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'questlog' },
    serializers: { err: safeError, error: safeError },
    redact: {
      paths: [
        'token',
        'botToken',
        'appToken',
        'password',
        'secret',
        'clientSecret',
        '*.token',
        '*.botToken',
        '*.password',
        '*.secret',
        'headers.authorization',
        '*.headers.authorization',
      ],
      censor: '***',
    },
    // A copy: pino merges each line's fields into the object the mixin returns.
    mixin: () => ({ ...logContext() }),
    hooks: {
      logMethod(args, method) {
        for (let i = 0; i < args.length; i++) {
          if (typeof args[i] === 'string') args[i] = redactSecrets(args[i] as string);
        }
        return method.apply(this, args as Parameters<typeof method>);
      },
    },
  };
}

/**
 * JSON logs to stderr, so the console adapter's replies on stdout stay clean
 * and a piped `npm start` prints only what the user asked for.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(loggerOptions(level), destination ?? pino.destination({ fd: 2, sync: false }));
}
