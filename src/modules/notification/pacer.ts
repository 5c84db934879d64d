/**
 * A token bucket per platform: `take` resolves when one more send fits under the rate.
 * Sends wait their turn instead of earning a 429; whatever the SDK still meets
 * (another process sharing the bot's budget) it waits out itself (Retry-After).
 */
export class Pacer {
  private readonly buckets = new Map<string, { tokens: number; at: number; queue: Promise<void> }>();

  constructor(
    private readonly ratePerSecond: (key: string) => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  take(key: string): Promise<void> {
    const rate = this.ratePerSecond(key);
    if (!Number.isFinite(rate)) return Promise.resolve();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      // Starts with one token, not a full second's worth: no burst above the rate.
      bucket = { tokens: 1, at: this.now(), queue: Promise.resolve() };
      this.buckets.set(key, bucket);
    }
    const b = bucket;
    const turn = b.queue.then(async () => {
      for (;;) {
        const now = this.now();
        b.tokens = Math.min(1, b.tokens + ((now - b.at) / 1000) * rate);
        b.at = now;
        if (b.tokens >= 1) {
          b.tokens -= 1;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - b.tokens) / rate) * 1000)));
      }
    });
    b.queue = turn;
    return turn;
  }
}
