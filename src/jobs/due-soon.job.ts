import type { DueNoticeService } from '../modules/quest/due-notice.service.js';
import type { Job } from './job.js';

const BATCH = 500;

/** Every minute: the due-soon notice of each open quest whose due time has come within its owner's lead time. */
export function dueSoonJob(notices: () => DueNoticeService, clock: () => Date): Job {
  return {
    name: 'due-soon',
    async run({ signal }) {
      const total = { claimed: 0, enqueued: 0 };
      while (!signal.aborted) {
        const batch = await notices().sendDueSoon(clock(), BATCH);
        total.claimed += batch.claimed;
        total.enqueued += batch.enqueued;
        if (batch.claimed < BATCH) break;
      }
      return total;
    },
  };
}
