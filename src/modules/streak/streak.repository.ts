import { randomUUID } from 'node:crypto';
import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { sendStatements } from '../shared/send-together.js';
import type { StreakType } from '../columns.js';
import { User } from '../user/user.entity.js';
import { Streak, type IStreak } from './streak.entity.js';
import type { StreakMetadata } from './streak.rules.js';
import { vacationWindow, type VacationWindow } from '../vacation/vacation.rules.js';

/** A `streaks` row as the services read it. */
export interface StreakRow {
  id: string;
  type: StreakType;
  currentCount: number;
  longestCount: number;
  startDate: string;
  lastActivityDate: string;
  isActive: boolean;
  metadata: StreakMetadata;
}

/** A row to write: an existing one (`id`) or a new one (`id` null). */
export type StreakRowWrite = Omit<StreakRow, 'id'> & { id: string | null };

/** What undoing one completion does to the streak rows and the freeze bank. */
export interface StreakUndoWrites {
  deletes: string[];
  /** Ended rows that become active again (their replacement was deleted). */
  reactivate: string[];
  updates: StreakRowWrite[];
  /** The new freeze bank, or null when unchanged. */
  freezes: number | null;
}

export interface StreakHistoryEntry {
  count: number;
  startDate: string;
  endDate: string;
}

export interface StreakOverviewData {
  timezone: string;
  dayStartHour: number;
  freezes: number;
  vacation: VacationWindow | null;
  active: StreakRow[];
  best: Partial<Record<StreakType, number>>;
  /** Recently ended daily streaks, newest first. */
  history: StreakHistoryEntry[];
}

const day = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 10) : new Date(value as Date).toISOString().slice(0, 10));

function toRow(s: IStreak): StreakRow {
  return {
    id: s.id,
    type: s.streakType,
    currentCount: s.currentCount,
    longestCount: s.longestCount,
    startDate: day(s.startDate),
    lastActivityDate: day(s.lastActivityDate),
    isActive: s.isActive,
    metadata: (s.metadata ?? {}) as StreakMetadata,
  };
}

// The recordset's keys are the `StreakRowWrite` properties.
const RECORDSET = `x(id uuid, type text, "currentCount" int, "longestCount" int, "startDate" date, "lastActivityDate" date, "isActive" boolean, metadata jsonb)`;

/** Streak rows of users. Call with the completion's or undo's transaction. */
export class StreakRepository {
  constructor(private readonly em: EntityManager) {}

  /** The best length ever reached per type (ended rows included). */
  async bestLengths(userId: string, types?: readonly StreakType[]): Promise<Partial<Record<StreakType, number>>> {
    const rows = await this.em
      .createQueryBuilder(Streak, 's')
      .select(['s.streakType', raw('max(s.longest_count) as best')])
      .where({ user: userId, ...(types ? { streakType: { $in: [...types] } } : {}) })
      .groupBy('s.streakType')
      .execute<Array<{ streakType: StreakType; best: number }>>('all', true);
    return Object.fromEntries(rows.map((r) => [r.streakType, Number(r.best)]));
  }

  /**
   * Writes `updates` (ending a broken row among them) and then inserts the new
   * rows, returning their ids: the new rows' ids are needed at once.
   */
  async insertStarted(userId: string, updates: StreakRowWrite[], inserts: StreakRowWrite[]): Promise<Array<{ id: string; type: StreakType; count: number }>> {
    if (updates.length) await this.updateRows(userId, updates);
    // Ids are made here, so the rows need not be read back.
    const ids = inserts.map(() => randomUUID());
    await this.em.insertMany(
      Streak,
      inserts.map((w, i) => ({
        id: ids[i]!,
        user: userId,
        streakType: w.type,
        currentCount: w.currentCount,
        longestCount: w.longestCount,
        startDate: w.startDate,
        lastActivityDate: w.lastActivityDate,
        isActive: w.isActive,
        metadata: w.metadata as Record<string, unknown>,
      })),
    );
    return inserts.map((w, i) => ({ id: ids[i]!, type: w.type, count: w.currentCount }));
  }

  async rowsByIds(userId: string, ids: string[]): Promise<StreakRow[]> {
    const rows = await this.em.find(Streak, { user: userId, id: { $in: ids } }, { disableIdentityMap: true });
    return rows.map(toRow);
  }

  /** Applies an undo in one round trip, in order: a deleted row makes way for the row it replaced to be active again. */
  async applyUndo(userId: string, writes: StreakUndoWrites): Promise<void> {
    // raw: four dependent writes (delete, reactivate, bulk update with per-row values, freeze bank) in one round trip
    const statements = [
      ...(writes.deletes.length
        ? [
            {
              sql: 'delete from streaks where user_id = ? and id in (select jsonb_array_elements_text(?::jsonb)::uuid)',
              params: [userId, JSON.stringify(writes.deletes)],
            },
          ]
        : []),
      ...(writes.reactivate.length
        ? [
            {
              sql: 'update streaks set is_active = true where user_id = ? and id in (select jsonb_array_elements_text(?::jsonb)::uuid)',
              params: [userId, JSON.stringify(writes.reactivate)],
            },
          ]
        : []),
      ...(writes.updates.length ? [updateRowsStatement(userId, writes.updates)] : []),
      ...(writes.freezes !== null ? [{ sql: 'update user_profiles set streak_freezes = ? where user_id = ?', params: [writes.freezes, userId] }] : []),
    ];
    if (statements.length) await sendStatements(this.em, statements);
  }

  /** The user's clock, freeze bank, active rows, best lengths and recent daily history, for `/streak` and `/profile`. */
  async overview(userId: string): Promise<StreakOverviewData> {
    const [user, best, history] = await Promise.all([
      this.em.findOne(User, userId, {
        populate: ['profile', 'streaks'],
        populateWhere: { streaks: { isActive: true } },
        strategy: 'joined',
        disableIdentityMap: true,
      }),
      this.bestLengths(userId),
      this.em.find(
        Streak,
        { user: userId, streakType: 'daily', isActive: false },
        { orderBy: { lastActivityDate: 'desc' }, limit: 5, fields: ['currentCount', 'startDate', 'lastActivityDate'], disableIdentityMap: true },
      ),
    ]);
    return {
      timezone: user?.profile?.timezone ?? 'UTC',
      dayStartHour: user?.profile?.dayStartHour ?? 0,
      freezes: user?.profile?.streakFreezes ?? 0,
      vacation: vacationWindow(user?.profile?.vacationSince, user?.profile?.vacationUntil),
      active: user ? user.streaks.getItems().map(toRow) : [],
      best,
      history: history.map((h) => ({ count: h.currentCount, startDate: day(h.startDate), endDate: day(h.lastActivityDate) })),
    };
  }

  private async updateRows(userId: string, updates: StreakRowWrite[]): Promise<void> {
    const { sql, params } = updateRowsStatement(userId, updates);
    await this.em.execute(sql, params);
  }
}

// raw: one update of many rows with per-row values (the ORM would send one statement per row)
function updateRowsStatement(userId: string, updates: StreakRowWrite[]) {
  return {
    sql: `update streaks s set current_count = x."currentCount", longest_count = x."longestCount", start_date = x."startDate",
       last_activity_date = x."lastActivityDate", is_active = x."isActive", metadata = x.metadata
     from jsonb_to_recordset(?::jsonb) as ${RECORDSET}
     where s.id = x.id and s.user_id = ?`,
    params: [JSON.stringify(updates), userId],
  };
}
