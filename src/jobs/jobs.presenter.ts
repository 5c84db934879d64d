import type { Reply } from '../core/reply.js';
import type { JobStatus } from './job-status.js';

function ago(from: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - from.getTime()) / 1000);
  if (seconds < 0) return `in ${Math.round(-seconds / 60)} min`;
  if (seconds < 120) return `${seconds}s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** `/questlog jobs`: one field per job with its schedule, next fire and last run (any replica). */
export function jobsReply(jobs: JobStatus[], enabled: boolean, now: Date): Reply {
  return {
    title: '⏰ Background jobs',
    tone: 'info',
    ephemeral: true,
    text: enabled ? 'Jobs run in this process (QUESTLOG_JOBS=on).' : 'Jobs are off in this process (QUESTLOG_JOBS=off); another replica runs them.',
    fields: jobs.map((job) => {
      const last = job.lastRun
        ? `${job.lastRun.ok ? 'ok' : 'failed'} ${ago(job.lastRun.at, now)}${Object.entries(job.lastRun.result)
            .filter(([, n]) => n)
            .map(([k, n]) => `, ${k} ${n}`)
            .join('')}`
        : 'not yet';
      return { name: job.name, value: `${job.description}\n\`${job.cron}\` · next ${job.nextRun ? utc(job.nextRun) : '—'} · last: ${last}` };
    }),
  };
}
