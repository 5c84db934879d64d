import { randomUUID } from 'node:crypto';
import type { RunCoordinator } from 'node-cron';
import type { KvStore } from '../infra/kv/kv.js';

/**
 * node-cron's run coordinator on the kv store: the first replica to `SET NX PX`
 * a fire's key (`<job>:<slot ISO>`) runs it; the others skip it. On Redis this
 * elects one replica per fire; on the in-process store it only guards one process.
 *
 * A finished fire keeps its marker until the lease ends, so a replica whose clock
 * runs a little behind cannot run the same slot again. `release` (shutdown with a
 * fire in flight) deletes only markers this process still owns (compare-and-delete).
 */
export class KvRunCoordinator implements RunCoordinator {
  private readonly held = new Map<string, string>();

  constructor(
    private readonly kv: KvStore,
    private readonly prefix = 'jobs:fire:',
  ) {}

  async shouldRun(key: string, ttlMs: number): Promise<boolean> {
    const token = randomUUID();
    const won = await this.kv.setIfAbsent(this.prefix + key, token, Math.max(1, Math.round(ttlMs)));
    if (won) this.held.set(key, token);
    return won;
  }

  onComplete(key: string): void {
    this.held.delete(key);
  }

  /** Gives up the fires still running here, so nothing is left claimed by a stopped process. */
  async releaseAll(): Promise<number> {
    let released = 0;
    for (const [key, token] of this.held) {
      if (await this.kv.releaseIfOwner(this.prefix + key, token).catch(() => false)) released++;
    }
    this.held.clear();
    return released;
  }
}
