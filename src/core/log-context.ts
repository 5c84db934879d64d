import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line written while a command runs carries (its correlation id). */
const context = new AsyncLocalStorage<Record<string, unknown>>();

/** Runs `work` with `fields` added to every log line it (and everything it awaits) writes. */
export function withLogContext<T>(fields: Record<string, unknown>, work: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, work);
}

/** The fields of the log context in force (empty outside a command); the logger mixes them into each line. */
export function logContext(): Record<string, unknown> {
  return context.getStore() ?? {};
}
