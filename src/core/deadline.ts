/**
 * Bounded waits shared by the platform adapters: answering inside a
 * platform's deadline, and draining replies still in flight at shutdown.
 */

/** The promise's value, or `fallback` when it has not settled within `ms`. */
export async function settleWithin<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Work still being answered, so that shutdown can wait for it (bounded). */
export class InFlight {
  private readonly work = new Set<Promise<unknown>>();

  /** Remembers the work until it settles; resolves or rejects as it does. */
  track<T>(work: Promise<T>): Promise<T> {
    this.work.add(work);
    return work.finally(() => this.work.delete(work));
  }

  async drain(timeoutMs: number): Promise<void> {
    await settleWithin(Promise.allSettled([...this.work]), timeoutMs, undefined);
  }
}
