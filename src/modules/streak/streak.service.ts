import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { STREAK_TYPES, type StreakType } from '../columns.js';
import { StreakRepository, type StreakRow, type StreakRowWrite } from './streak.repository.js';
import {
  applyCompletion,
  isStreakAlive,
  MAX_FREEZES,
  streakAtDayStart,
  userDay,
  type Snapshot,
  type StreakEvent,
  type StreakMetadata,
  type StreakState,
  type ZoneAnchor,
  type ZoneChange,
} from './streak.rules.js';
import { holdStreak, isAway, type VacationWindow } from '../vacation/vacation.rules.js';

export type { StreakRow, StreakRowWrite } from './streak.repository.js';

/** Which row, count and day one completion was counted under, per type (kept in the ledger for undo). */
export type StreakMarks = Partial<Record<StreakType, { row: string; count: number; day: string }>>;

export interface StreakStep {
  type: StreakType;
  event: StreakEvent;
  count: number;
  longest: number;
  /** The count of the streak that broke, for `broken_and_restarted`. */
  brokenCount?: number;
}

export interface StreakOutcome {
  /** Writes left for the caller to make in its closing statement of the same transaction. */
  deferred: { updates: StreakRowWrite[]; inserts: StreakRowWrite[]; freezes: number | null };
  steps: StreakStep[];
  marks: StreakMarks;
  freezes: number;
  freezeEarned: boolean;
  freezeUsed: boolean;
  /** Best length per type, for achievements. */
  longest: Record<StreakType, number>;
}

export interface Whereabouts {
  timezone: string;
  dayStartHour: number;
  /** The vacation on the profile, if any: its days hold the daily streak. */
  vacation?: VacationWindow | null;
}

/** The rows as the rules should see them: the daily one as if the vacation's held days had not existed. */
function held(rows: StreakRow[], now: Date, where: Whereabouts): StreakRow[] {
  const vacation = where.vacation;
  if (!vacation) return rows;
  return rows.map((r) => (r.type === 'daily' ? holdStreak(r, vacation, where, now) : r));
}

function toState(row: StreakRow, freezes: number): StreakState {
  return {
    currentCount: row.currentCount,
    longestCount: row.longestCount,
    startDate: row.startDate,
    lastActivityDate: row.lastActivityDate,
    isActive: row.isActive,
    freezes,
  };
}

/**
 * The zone-change input for a row whose last activity was counted in another zone
 * or with another day start. Unchanged, the stored date already is that zone's
 * count, and skipping the rule saves converting four instants per streak type.
 */
function zoneChangeFor(row: StreakRow | undefined, now: Date, where: Whereabouts): ZoneChange | undefined {
  const zone = row?.metadata.zone;
  if (!zone || (zone.timezone === where.timezone && zone.dayStartHour === where.dayStartHour)) return undefined;
  return {
    lastActivityAt: new Date(zone.at),
    previousTimezone: zone.timezone,
    previousDayStartHour: zone.dayStartHour,
    now,
    timezone: where.timezone,
    dayStartHour: where.dayStartHour,
  };
}

/** The daily streak at the start of the user's current day, for the XP bonus. */
export function dailyStreakAtDayStart(rows: StreakRow[], freezes: number, now: Date, where: Whereabouts): number {
  const daily = held(rows, now, where).find((r) => r.type === 'daily');
  const day = userDay(now, where.timezone, where.dayStartHour);
  return streakAtDayStart(daily ? toState(daily, freezes) : null, day, { zoneChange: zoneChangeFor(daily, now, where) });
}

function snapshot(row: StreakRow): Snapshot {
  return {
    currentCount: row.currentCount,
    longestCount: row.longestCount,
    startDate: row.startDate,
    lastActivityDate: row.lastActivityDate,
    zone: row.metadata.zone ?? null,
  };
}

/**
 * Counts a completion on every streak type: continues, bridges (spending a
 * freeze), starts or breaks-and-restarts each active row, keeping the ended row
 * as history and an undo record on the active one. `stored` are the user's active
 * rows, read under the user's lock (a vacation in `where` holds the daily one); `freezes` is the bank before this completion.
 * Row updates and the freeze bank come back in `deferred` for the caller's next
 * statement, unless a new row has to be inserted (its id is needed at once).
 */
export async function recordStreaks(
  em: EntityManager,
  userId: string,
  stored: StreakRow[],
  freezes: number,
  now: Date,
  where: Whereabouts,
  /** Best lengths per type, when the caller already read them (saves a round trip). */
  known: { bestLengths?: Partial<Record<StreakType, number>> } = {},
): Promise<StreakOutcome> {
  const rows = held(stored, now, where);
  const day = userDay(now, where.timezone, where.dayStartHour);
  const anchor: ZoneAnchor = { timezone: where.timezone, dayStartHour: where.dayStartHour, at: now.toISOString() };
  const updates: StreakRowWrite[] = [];
  const inserts: StreakRowWrite[] = [];
  const steps: StreakStep[] = [];
  const longest = {} as Record<StreakType, number>;
  let bank = freezes;
  let freezeEarned = false;
  let freezeUsed = false;

  const repository = new StreakRepository(em);
  const missing = STREAK_TYPES.filter((type) => !rows.some((r) => r.type === type));
  const bestEnded = missing.length ? (known.bestLengths ?? (await repository.bestLengths(userId, missing))) : {};

  for (const type of STREAK_TYPES) {
    const row = rows.find((r) => r.type === type);
    const before = type === 'daily' ? bank : 0;
    const state: StreakState | null = row
      ? toState(row, before)
      : bestEnded[type]
        ? { currentCount: 0, longestCount: bestEnded[type]!, startDate: day, lastActivityDate: day, isActive: false, freezes: before }
        : null;
    const result = applyCompletion(state, type, day, { zoneChange: zoneChangeFor(row, now, where) });
    const next = result.state;
    const freezeDelta = type === 'daily' ? next.freezes - before : 0;
    if (type === 'daily') {
      bank = next.freezes;
      freezeEarned = result.freezeEarned;
      freezeUsed = result.event === 'bridged_with_freeze';
    }
    longest[type] = next.longestCount;
    steps.push({
      type,
      event: result.event,
      count: next.currentCount,
      longest: next.longestCount,
      ...(result.event === 'broken_and_restarted' ? { brokenCount: result.ended.currentCount } : {}),
    });

    const write = (id: string | null, metadata: StreakMetadata): StreakRowWrite => ({
      id,
      type,
      currentCount: next.currentCount,
      longestCount: next.longestCount,
      startDate: next.startDate,
      lastActivityDate: next.lastActivityDate,
      isActive: true,
      metadata,
    });
    switch (result.event) {
      case 'same_period': {
        const moved = next.lastActivityDate !== row!.lastActivityDate;
        const last = next.lastActivityDate;
        const undo =
          row!.metadata.undo?.count === next.currentCount
            ? { ...row!.metadata.undo, days: { ...row!.metadata.undo.days, [last]: (row!.metadata.undo.days[last] ?? 0) + 1 } }
            : undefined;
        updates.push(write(row!.id, { zone: moved || !row!.metadata.zone ? anchor : row!.metadata.zone, ...(undo ? { undo } : {}) }));
        break;
      }
      case 'continued':
      case 'bridged_with_freeze':
        updates.push(
          write(row!.id, { zone: anchor, undo: { count: next.currentCount, days: { [day]: 1 }, previous: snapshot(row!), endedRowId: null, freezeDelta } }),
        );
        break;
      case 'started':
        inserts.push(write(null, { zone: anchor, undo: { count: 1, days: { [day]: 1 }, previous: null, endedRowId: null, freezeDelta: 0 } }));
        break;
      case 'broken_and_restarted':
        updates.push({ ...write(row!.id, row!.metadata), ...endedColumns(row!) });
        inserts.push(write(null, { zone: anchor, undo: { count: 1, days: { [day]: 1 }, previous: null, endedRowId: row!.id, freezeDelta: 0 } }));
        break;
    }
  }

  const marks: StreakMarks = {};
  for (const update of updates) {
    if (update.isActive) marks[update.type] = { row: update.id!, count: update.currentCount, day: update.lastActivityDate };
  }
  let deferredUpdates = updates;
  let deferredInserts: StreakRowWrite[] = [];
  if (inserts.length && !updates.some((u) => !u.isActive)) {
    // Only new rows (nothing ends): they ride along with the closing statement under ids made here.
    deferredInserts = inserts.map((w) => ({ ...w, id: randomUUID() }));
    for (const row of deferredInserts) marks[row.type] = { row: row.id!, count: row.currentCount, day };
  } else if (inserts.length) {
    // The updates (ending a broken row) go first; the new rows' ids are needed at once.
    for (const row of await repository.insertStarted(userId, updates, inserts)) marks[row.type] = { row: row.id, count: row.count, day };
    deferredUpdates = [];
  }
  return {
    deferred: { updates: deferredUpdates, inserts: deferredInserts, freezes: bank !== freezes ? bank : null },
    steps,
    marks,
    freezes: bank,
    freezeEarned,
    freezeUsed,
    longest,
  };
}

/** An ended row keeps its counts and dates; only `is_active` changes. */
function endedColumns(row: StreakRow): Partial<StreakRowWrite> {
  return {
    currentCount: row.currentCount,
    longestCount: row.longestCount,
    startDate: row.startDate,
    lastActivityDate: row.lastActivityDate,
    isActive: false,
  };
}

/**
 * Steps back what one completion did to the streaks (`marks` from its ledger
 * row). A period another completion still counts in keeps its step; only the last
 * step of a row can be undone, and a row that has moved on since is left alone.
 * Returns the freeze bank after the undo.
 */
export async function undoStreaks(
  em: EntityManager,
  userId: string,
  marks: StreakMarks,
  freezes: number,
): Promise<{ freezes: number; steppedBack: StreakType[] }> {
  const ids = Object.values(marks).map((m) => m!.row);
  if (!ids.length) return { freezes, steppedBack: [] };
  const repository = new StreakRepository(em);
  const rows = await repository.rowsByIds(userId, ids);
  const updates: StreakRowWrite[] = [];
  const deletes: string[] = [];
  const reactivate: string[] = [];
  const steppedBack: StreakType[] = [];
  let bank = freezes;
  for (const type of STREAK_TYPES) {
    const mark = marks[type];
    const row = rows.find((r) => r.id === mark?.row);
    const undo = row?.metadata.undo;
    if (!mark || !row || !row.isActive || !undo || row.currentCount !== mark.count || undo.count !== mark.count || !undo.days[mark.day]) continue;
    const days = { ...undo.days, [mark.day]: undo.days[mark.day]! - 1 };
    if (!days[mark.day]) delete days[mark.day];
    const remaining = Object.keys(days).sort();
    if (remaining.length) {
      // Other completions still count in this period: it stands, dated by the latest of them.
      updates.push({ ...rowWrite(row, { ...row.metadata, undo: { ...undo, days } }), lastActivityDate: remaining.at(-1)! });
      continue;
    }
    steppedBack.push(type);
    if (type === 'daily') bank = Math.min(MAX_FREEZES, Math.max(0, bank - undo.freezeDelta));
    if (!undo.previous) {
      deletes.push(row.id);
      if (undo.endedRowId) reactivate.push(undo.endedRowId);
      continue;
    }
    const previous = undo.previous;
    updates.push({
      ...rowWrite(row, previous.zone ? { zone: previous.zone } : {}),
      currentCount: previous.currentCount,
      longestCount: previous.longestCount,
      startDate: previous.startDate,
      lastActivityDate: previous.lastActivityDate,
    });
  }
  await repository.applyUndo(userId, { deletes, reactivate, updates, freezes: bank !== freezes ? bank : null });
  return { freezes: bank, steppedBack };
}

function rowWrite(row: StreakRow, metadata: StreakMetadata): StreakRowWrite {
  return { ...row, metadata };
}

export interface StreakView {
  type: StreakType;
  /** 0 when the streak has lapsed, even if its row is not closed yet. */
  current: number;
  longest: number;
  /** A completion today would not add to it (already counted this period). */
  doneThisPeriod: boolean;
  startDate: string | null;
  lastActivityDate: string | null;
}

export interface StreakOverview {
  streaks: StreakView[];
  freezes: number;
  today: string;
  /** Recently ended daily streaks, newest first. */
  history: Array<{ count: number; startDate: string; endDate: string }>;
  /** Set while the user is on vacation (the daily streak is held); `until` null = until turned off. */
  vacation: { until: Date | null; timezone: string; dayStartHour: number } | null;
}

/** The user's streaks as they stand now, for `/streak` and `/profile`. */
export async function streakOverview(em: EntityManager, userId: string, now: Date): Promise<StreakOverview> {
  const data = await new StreakRepository(em).overview(userId);
  const where = { timezone: data?.timezone ?? 'UTC', dayStartHour: data?.dayStartHour ?? 0, vacation: data?.vacation ?? null };
  const freezes = data?.freezes ?? 0;
  const today = userDay(now, where.timezone, where.dayStartHour);
  const active = held(data?.active ?? [], now, where);
  const streaks = STREAK_TYPES.map((type): StreakView => {
    const row = active.find((r) => r.type === type);
    const opts = { zoneChange: zoneChangeFor(row, now, where) };
    const state = row ? toState(row, type === 'daily' ? freezes : 0) : null;
    const alive = isStreakAlive(state, type, today, opts);
    const doneThisPeriod = alive && applyCompletion(state, type, today, opts).event === 'same_period';
    return {
      type,
      current: alive ? row!.currentCount : 0,
      longest: Math.max(data?.best[type] ?? 0, row?.longestCount ?? 0),
      doneThisPeriod,
      startDate: alive ? row!.startDate : null,
      lastActivityDate: row?.lastActivityDate ?? null,
    };
  });
  const away = isAway(where.vacation, now) ? { until: where.vacation!.until, timezone: where.timezone, dayStartHour: where.dayStartHour } : null;
  return { streaks, freezes, today, history: data?.history ?? [], vacation: away };
}
