import type { EntityManager } from '@mikro-orm/postgresql';
import { executeBatchAll } from '../analytics/behavior-log.service.js';
import type { SqlStatement } from '../progression/sql.js';
import { STREAK_TYPES, type StreakType } from '../columns.js';
import {
  applyCompletion,
  isStreakAlive,
  MAX_FREEZES,
  streakAtDayStart,
  userDay,
  type StreakEvent,
  type StreakState,
  type ZoneChange,
} from './streak.rules.js';

/** Where the user was when a streak's last activity was counted (the time-zone rule needs it). */
export interface ZoneAnchor {
  timezone: string;
  dayStartHour: number;
  /** ISO instant of that completion. */
  at: string;
}

/** The streak as it stood before a step, so the step can be undone. */
interface Snapshot {
  currentCount: number;
  longestCount: number;
  startDate: string;
  lastActivityDate: string;
  zone: ZoneAnchor | null;
}

/**
 * Enough to undo the last step of a streak row: how many completions count on
 * each day of its current period (`days`), and the row before the step
 * (`previous`, null when the step created the row; `endedRowId` is then the row
 * it replaced).
 */
interface UndoRecord {
  count: number;
  days: Record<string, number>;
  previous: Snapshot | null;
  endedRowId: string | null;
  freezeDelta: number;
}

interface StreakMetadata {
  zone?: ZoneAnchor;
  undo?: UndoRecord;
}

/** A `streaks` row as loaded by the services. */
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
  /** Writes left for the caller to run in the same transaction (see `alongside`). */
  deferred: SqlStatement[];
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
}

/** JSON of the active rows, for embedding in a larger select (see `lockGameState`). */
export const ACTIVE_STREAKS_JSON = (userIdColumn: string) => `(select coalesce(json_agg(json_build_object(
    'id', s.id, 'type', s.streak_type, 'currentCount', s.current_count, 'longestCount', s.longest_count,
    'startDate', s.start_date, 'lastActivityDate', s.last_activity_date, 'isActive', s.is_active, 'metadata', s.metadata)), '[]')
  from streaks s where s.user_id = ${userIdColumn} and s.is_active)`;

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
  const daily = rows.find((r) => r.type === 'daily');
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

interface RowWrite {
  id: string | null;
  streak_type: StreakType;
  current_count: number;
  longest_count: number;
  start_date: string;
  last_activity_date: string;
  is_active: boolean;
  metadata: StreakMetadata;
}

/**
 * Counts a completion on every streak type: continues, bridges (spending a
 * freeze), starts or breaks-and-restarts each active row, keeping the ended row
 * as history and an undo record on the active one. `rows` are the user's active
 * rows, read under the user's lock; `freezes` is the bank before this completion.
 * Row updates and the freeze bank come back in `deferred` for the caller's next
 * statement, unless a new row has to be inserted (its id is needed at once).
 */
export async function recordStreaks(
  em: EntityManager,
  userId: string,
  rows: StreakRow[],
  freezes: number,
  now: Date,
  where: Whereabouts,
): Promise<StreakOutcome> {
  const day = userDay(now, where.timezone, where.dayStartHour);
  const anchor: ZoneAnchor = { timezone: where.timezone, dayStartHour: where.dayStartHour, at: now.toISOString() };
  const updates: RowWrite[] = [];
  const inserts: RowWrite[] = [];
  const steps: StreakStep[] = [];
  const longest = {} as Record<StreakType, number>;
  let bank = freezes;
  let freezeEarned = false;
  let freezeUsed = false;

  const missing = STREAK_TYPES.filter((type) => !rows.some((r) => r.type === type));
  const bestEnded = missing.length ? await bestLengths(em, userId, missing) : {};

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

    const write = (id: string | null, metadata: StreakMetadata): RowWrite => ({
      id,
      streak_type: type,
      current_count: next.currentCount,
      longest_count: next.longestCount,
      start_date: next.startDate,
      last_activity_date: next.lastActivityDate,
      is_active: true,
      metadata,
    });
    switch (result.event) {
      case 'same_period': {
        const moved = next.lastActivityDate !== row!.lastActivityDate;
        const last = next.lastActivityDate;
        const undo = row!.metadata.undo?.count === next.currentCount ? { ...row!.metadata.undo, days: { ...row!.metadata.undo.days, [last]: (row!.metadata.undo.days[last] ?? 0) + 1 } } : undefined;
        updates.push(write(row!.id, { zone: moved || !row!.metadata.zone ? anchor : row!.metadata.zone, ...(undo ? { undo } : {}) }));
        break;
      }
      case 'continued':
      case 'bridged_with_freeze':
        updates.push(write(row!.id, { zone: anchor, undo: { count: next.currentCount, days: { [day]: 1 }, previous: snapshot(row!), endedRowId: null, freezeDelta } }));
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
    if (update.is_active) marks[update.streak_type] = { row: update.id!, count: update.current_count, day: update.last_activity_date };
  }
  const deferred: SqlStatement[] = [];
  if (inserts.length) {
    // The updates (ending a broken row) go first in the same round trip; the insert's ids are needed at once.
    const results = await executeBatchAll(em, [
      ...(updates.length ? [updateRows(userId, updates)] : []),
      {
        sql: `insert into streaks (user_id, streak_type, current_count, longest_count, start_date, last_activity_date, is_active, metadata)
         select ?, x.streak_type, x.current_count, x.longest_count, x.start_date, x.last_activity_date, x.is_active, x.metadata
         from jsonb_to_recordset(?::jsonb) as x(streak_type text, current_count int, longest_count int, start_date date,
           last_activity_date date, is_active boolean, metadata jsonb)
         returning id, streak_type as type, current_count as count`,
        params: [userId, JSON.stringify(inserts)],
      },
    ]);
    const created = (results.at(-1) ?? []) as Array<{ id: string; type: StreakType; count: number }>;
    for (const row of created) marks[row.type] = { row: row.id, count: row.count, day };
  } else if (updates.length) {
    deferred.push(updateRows(userId, updates));
  }
  if (bank !== freezes) deferred.push(setFreezes(userId, bank));
  return { deferred, steps, marks, freezes: bank, freezeEarned, freezeUsed, longest };
}

/** An ended row keeps its counts and dates; only `is_active` changes. */
function endedColumns(row: StreakRow): Partial<RowWrite> {
  return {
    current_count: row.currentCount,
    longest_count: row.longestCount,
    start_date: row.startDate,
    last_activity_date: row.lastActivityDate,
    is_active: false,
  };
}

function updateRows(userId: string, updates: RowWrite[]): SqlStatement {
  return {
    sql: `update streaks s set current_count = x.current_count, longest_count = x.longest_count, start_date = x.start_date,
       last_activity_date = x.last_activity_date, is_active = x.is_active, metadata = x.metadata
     from jsonb_to_recordset(?::jsonb) as x(id uuid, current_count int, longest_count int, start_date date,
       last_activity_date date, is_active boolean, metadata jsonb)
     where s.id = x.id and s.user_id = ?`,
    params: [JSON.stringify(updates), userId],
  };
}

function setFreezes(userId: string, freezes: number): SqlStatement {
  return { sql: 'update user_profiles set streak_freezes = ? where user_id = ?', params: [freezes, userId] };
}

async function bestLengths(em: EntityManager, userId: string, types: StreakType[]): Promise<Partial<Record<StreakType, number>>> {
  const rows = await em.execute<{ type: StreakType; best: number }[]>(
    `select streak_type as type, max(longest_count)::int as best from streaks
     where user_id = ? and streak_type in (select jsonb_array_elements_text(?::jsonb)) group by streak_type`,
    [userId, JSON.stringify(types)],
  );
  return Object.fromEntries(rows.map((r) => [r.type, r.best]));
}

/**
 * Steps back what one completion did to the streaks (`marks` from its ledger
 * row). A period another completion still counts in keeps its step; only the last
 * step of a row can be undone, and a row that has moved on since is left alone.
 * Returns the freeze bank after the undo.
 */
export async function undoStreaks(em: EntityManager, userId: string, marks: StreakMarks, freezes: number): Promise<{ freezes: number; steppedBack: StreakType[] }> {
  const ids = Object.values(marks).map((m) => m!.row);
  if (!ids.length) return { freezes, steppedBack: [] };
  const rows = await em.execute<StreakRow[]>(
    `select s.id, s.streak_type as type, s.current_count as "currentCount", s.longest_count as "longestCount",
       to_char(s.start_date, 'YYYY-MM-DD') as "startDate", to_char(s.last_activity_date, 'YYYY-MM-DD') as "lastActivityDate",
       s.is_active as "isActive", s.metadata
     from streaks s where s.user_id = ? and s.id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
    [userId, JSON.stringify(ids)],
  );
  const updates: RowWrite[] = [];
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
      updates.push({ ...rowWrite(row, { ...row.metadata, undo: { ...undo, days } }), last_activity_date: remaining.at(-1)! });
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
      current_count: previous.currentCount,
      longest_count: previous.longestCount,
      start_date: previous.startDate,
      last_activity_date: previous.lastActivityDate,
    });
  }
  // One round trip, in order: a deleted row makes way for the row it replaced to be active again.
  const writes: SqlStatement[] = [
    ...(deletes.length ? [{ sql: 'delete from streaks where user_id = ? and id in (select jsonb_array_elements_text(?::jsonb)::uuid)', params: [userId, JSON.stringify(deletes)] }] : []),
    ...(reactivate.length
      ? [{ sql: 'update streaks set is_active = true where user_id = ? and id in (select jsonb_array_elements_text(?::jsonb)::uuid)', params: [userId, JSON.stringify(reactivate)] }]
      : []),
    ...(updates.length ? [updateRows(userId, updates)] : []),
    ...(bank !== freezes ? [setFreezes(userId, bank)] : []),
  ];
  if (writes.length) await executeBatchAll(em, writes);
  return { freezes: bank, steppedBack };
}

function rowWrite(row: StreakRow, metadata: StreakMetadata): RowWrite {
  return {
    id: row.id,
    streak_type: row.type,
    current_count: row.currentCount,
    longest_count: row.longestCount,
    start_date: row.startDate,
    last_activity_date: row.lastActivityDate,
    is_active: row.isActive,
    metadata,
  };
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
}

/** The user's streaks as they stand now, for `/streak` and `/profile`. */
export async function streakOverview(em: EntityManager, userId: string, now: Date): Promise<StreakOverview> {
  const [data] = await em.execute<{ timezone: string; dayStartHour: number; freezes: number; active: StreakRow[]; best: Record<string, number>; history: StreakOverview['history'] }[]>(
    `select p.timezone, p.day_start_hour as "dayStartHour", p.streak_freezes as freezes, ${ACTIVE_STREAKS_JSON('p.user_id')} as active,
       (select coalesce(json_object_agg(t, b), '{}') from (select streak_type t, max(longest_count) b from streaks where user_id = p.user_id group by streak_type) x) as best,
       (select coalesce(json_agg(h), '[]') from (select current_count as count, start_date as "startDate", last_activity_date as "endDate"
          from streaks where user_id = p.user_id and streak_type = 'daily' and not is_active order by last_activity_date desc limit 5) h) as history
     from user_profiles p where p.user_id = ?`,
    [userId],
  );
  const where = { timezone: data?.timezone ?? 'UTC', dayStartHour: data?.dayStartHour ?? 0 };
  const freezes = data?.freezes ?? 0;
  const today = userDay(now, where.timezone, where.dayStartHour);
  const streaks = STREAK_TYPES.map((type): StreakView => {
    const row = data?.active.find((r) => r.type === type);
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
  return { streaks, freezes, today, history: data?.history ?? [] };
}
