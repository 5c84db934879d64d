import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { escapeMarkdown as md } from '../../core/markdown.js';
import type { DueService } from './due.service.js';
import { RecurrenceRepository, type RollCandidate } from './recurrence.repository.js';
import { recurrenceMessages } from './recurrence.messages.js';
import { nextAfterCompletion, parseRepeat, rollTarget, type SeriesRule } from './recurrence.rules.js';
import type { QuestService, RepeatInput } from './quest.service.js';
import { QuestRepository } from './quest.repository.js';

/**
 * Who the roll leaves alone this run. The seam for vacation (issue 11): a user on
 * vacation keeps their recurring quests where they are. Must not use another
 * database connection while a transaction is open (embedded mode has one); the
 * roll calls it outside any transaction.
 */
export interface RollPolicy {
  skipUsers(userIds: string[], now: Date): Promise<Set<string>>;
}

export const ROLL_EVERYONE: RollPolicy = { skipUsers: async () => new Set() };

export type RepeatAction = 'pause' | 'resume' | 'stop';

export interface RepeatControlResult {
  action: RepeatAction;
  quest: { number: number; title: string };
  rule: SeriesRule;
  /** Resume: the occurrence it created when the series had none open. */
  created?: { number: number; dueAt: Date };
  /** The open occurrence's due time, for the reply. */
  openDueAt?: Date | null;
}

/** What undoing a recurring quest's completion did to its series. */
export type ReopenEffect = { kind: 'removed-next'; number: number } | { kind: 'detached' } | null;

/** Recurring quests: reading `repeat:`, pausing, resuming and stopping a series, and the roll. */
export class RecurrenceService {
  constructor(
    private readonly em: EntityManager,
    private readonly due: DueService,
  ) {}

  /** `undefined` when no text was given, `null` for "none", else the rule; bad text names `repeat`. */
  async read(userId: string, text: string | undefined, now: Date): Promise<RepeatInput | null | undefined> {
    if (text === undefined) return undefined;
    const parsed = parseRepeat(text);
    if (parsed.kind === 'invalid') throw new ValidationError(recurrenceMessages.invalid({ problem: parsed.problem }), { field: 'repeat' });
    if (parsed.kind === 'clear') return null;
    return { spec: parsed.spec, clock: await this.due.clock(userId), now };
  }

  /** `/quest repeat <quest> pause|resume|stop`, on the series of any of its occurrences. */
  async control(quests: QuestService, userId: string, ref: string, action: RepeatAction, now: Date): Promise<RepeatControlResult> {
    const { key, missing } = await quests.questKey(userId, ref);
    return this.em.transactional(async (tx) => {
      const quest = await new QuestRepository(tx).find(userId, key, { lock: true });
      if (!quest) throw new NotFoundError(missing);
      const label = `#${quest.number} ${md(quest.title)}`;
      if (!quest.seriesId) throw new ConflictError(recurrenceMessages.not_recurring({ quest: label, number: quest.number }));
      const repository = new RecurrenceRepository(tx);
      const series = await repository.series(userId, quest.seriesId, { lock: true });
      if (!series) throw new ConflictError(recurrenceMessages.not_recurring({ quest: label, number: quest.number }));
      const result: RepeatControlResult = { action, quest: { number: quest.number, title: quest.title }, rule: series };
      const open = await repository.openOccurrence(series.id);
      if (action === 'stop') {
        await repository.deleteSeries(userId, series.id);
      } else if (action === 'pause') {
        if (series.paused) throw new ConflictError(recurrenceMessages.already({ quest: label, state: 'paused' }));
        await repository.setPaused(userId, series.id, true);
      } else {
        if (!series.paused && open) throw new ConflictError(recurrenceMessages.already({ quest: label, state: 'repeating' }));
        if (series.paused) await repository.setPaused(userId, series.id, false);
        if (!open) {
          // Completed while paused (or its open one deleted or archived): the series picks up at its next date.
          const template = await repository.latestOccurrence(series.id);
          const at = nextAfterCompletion(series, null, now);
          const created = template && at ? await repository.spawn(userId, series.id, template, at) : null;
          if (created) result.created = { number: created.number, dueAt: at! };
        }
      }
      await new QuestRepository(tx).logAction({ userId, actionType: `quest_series_${action}`, actionData: { seriesId: series.id, questId: quest.id } });
      return result;
    });
  }
}

/**
 * Before a completed occurrence is reopened (undo), makes sure its series will not
 * have two open occurrences: the next occurrence its completion created is removed
 * when nobody has touched it (not started, no step ticked); otherwise the reopened
 * quest leaves the series and the next occurrence carries it on.
 */
export async function makeWayForReopen(tx: EntityManager, userId: string, questId: string, seriesId: string): Promise<ReopenEffect> {
  const repository = new RecurrenceRepository(tx);
  const open = await repository.openOccurrence(seriesId, questId);
  if (!open) return null;
  if ((open.status === 'ACTIVE' || open.status === 'DRAFT') && open.startedAt === null && open.stepsDone === 0) {
    await repository.deleteOccurrence(userId, open.id);
    return { kind: 'removed-next', number: open.number };
  }
  await repository.attach(userId, questId, null);
  return { kind: 'detached' };
}

/**
 * Rolls open occurrences left undone past their next date forward to the latest
 * date that has come: one idempotent UPDATE per batch (a row moves only if it is
 * still open and still due where it was read), so a second run, or two replicas,
 * change nothing more. Users the policy names are left alone.
 */
export async function rollOverdue(
  repository: () => RecurrenceRepository,
  policy: RollPolicy,
  now: Date,
  options: { batch?: number; signal?: AbortSignal } = {},
): Promise<{ scanned: number; rolled: number; skipped: number }> {
  const batch = options.batch ?? 500;
  const total = { scanned: 0, rolled: 0, skipped: 0 };
  let after: string | null = null;
  while (!options.signal?.aborted) {
    const rows: RollCandidate[] = await repository().overdueOccurrences(now, after, batch);
    if (!rows.length) break;
    total.scanned += rows.length;
    after = rows.at(-1)!.questId;
    const skip = await policy.skipUsers([...new Set(rows.map((r) => r.userId))], now);
    const moves = [];
    for (const row of rows) {
      if (skip.has(row.userId)) {
        total.skipped += 1;
        continue;
      }
      const to = rollTarget(row, row.dueAt, now);
      if (to) moves.push({ questId: row.questId, from: row.dueAt, to });
    }
    total.rolled += await repository().moveDue(moves);
    if (rows.length < batch) break;
  }
  return total;
}
