import type { EntityManager } from '@mikro-orm/postgresql';

/** Knex marks a nested transaction (savepoint) with this symbol, pointing at its parent. */
const PARENT = 'parentTransaction';

type TransactionContext = { executionPromise?: Promise<unknown> } & Record<symbol, unknown>;

function parentOf(ctx: TransactionContext): TransactionContext | undefined {
  const key = Object.getOwnPropertySymbols(ctx).find((s) => s.description === PARENT);
  return key ? (ctx[key] as TransactionContext) : undefined;
}

/**
 * Runs `fn` once the transaction `em` belongs to has committed, and not when it
 * rolls back; outside a transaction it runs at once. `fn` is not awaited (cache
 * writes must neither hold up nor fail the command).
 *
 * `em.transactional` gives its callback a fork with its own copy of the event
 * manager, so the subscriber lives exactly as long as that transaction. Inside a
 * savepoint the root's events are out of reach: `fn` then runs when the root
 * transaction ends, whichever way.
 */
export function afterCommit(em: EntityManager, fn: () => void): void {
  const ctx = em.getTransactionContext<TransactionContext>();
  if (!ctx) {
    fn();
    return;
  }
  let root: TransactionContext | undefined = ctx;
  for (let parent = parentOf(ctx); parent; parent = parentOf(parent)) root = parent;
  if (root !== ctx) {
    root.executionPromise?.then(fn, () => undefined);
    return;
  }
  em.getEventManager().registerSubscriber({
    afterTransactionCommit: () => {
      fn();
    },
  });
}
