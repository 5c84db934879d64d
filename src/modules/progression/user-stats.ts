import type { EntityManager } from '@mikro-orm/postgresql';
import type { Difficulty } from '../columns.js';
import type { SqlStatement } from './sql.js';

/** The `user_stats` counters, with category ids resolved to the user's category names. */
export interface UserCounters {
  completions: number;
  byDifficulty: Record<string, number>;
  /** Category name -> completions (categories deleted since are left out). */
  byCategory: Record<string, number>;
  /** Distinct categories ever completed in, deleted ones included. */
  categoriesUsed: number;
  byMinute: Record<number, number>;
  stepsDone: number;
}

/** What one completion adds to (or, undone, takes from) the counters. */
export interface CompletionCount {
  difficulty: Difficulty;
  categoryId: string | null;
  /** Local minute of day at completion (0-1439). */
  minute: number;
}

const EMPTY: UserCounters = { completions: 0, byDifficulty: {}, byCategory: {}, categoriesUsed: 0, byMinute: {}, stepsDone: 0 };

// The user's user_stats row, with category ids resolved to names.
const SELECT_COUNTERS = `with s as (select * from user_stats where user_id = ?)
  select s.completions, s.completions_by_difficulty as "byDifficulty", s.completions_by_minute as "byMinute", s.steps_done as "stepsDone",
    (select coalesce(jsonb_object_agg(c.name, e.value::int), '{}') from jsonb_each_text(s.completions_by_category) e
      join quest_categories c on c.id::text = e.key) as "byCategory",
    (select count(*)::int from jsonb_each_text(s.completions_by_category) e where e.value::int > 0) as "categoriesUsed"
  from s`;

/** The upsert that adds `delta` (+1 for a completion, -1 for its undo) to the user's completion counters. */
export function completionCountStatement(userId: string, count: CompletionCount, delta: 1 | -1): SqlStatement {
  const minute = String(count.minute);
  return {
    sql: `insert into user_stats as u (user_id, completions, completions_by_difficulty, completions_by_category, completions_by_minute)
      values (?, greatest(0, ?::int), jsonb_add_count('{}', ?, ?), jsonb_add_count('{}', ?, ?), jsonb_add_count('{}', ?, ?))
      on conflict (user_id) do update set
        completions = greatest(0, u.completions + ?::int),
        completions_by_difficulty = jsonb_add_count(u.completions_by_difficulty, ?, ?),
        completions_by_category = jsonb_add_count(u.completions_by_category, ?, ?),
        completions_by_minute = jsonb_add_count(u.completions_by_minute, ?, ?)`,
    params: [
      userId, delta, count.difficulty, delta, count.categoryId, delta, minute, delta,
      delta, count.difficulty, delta, count.categoryId, delta, minute, delta,
    ],
  };
}

/**
 * The reads that let a completion predict its counters without a round trip of
 * its own (the caller holds the user's lock, so no other completion interleaves):
 * the counters as they stand, and the completed quest's category name with its
 * completions so far.
 */
export function countersBeforeStatements(userId: string, categoryId: string | null): SqlStatement[] {
  return [
    { sql: SELECT_COUNTERS, params: [userId] },
    {
      sql: `select c.name, coalesce((select (s.completions_by_category ->> c.id::text)::int from user_stats s where s.user_id = c.user_id), 0) as prior
            from quest_categories c where c.id = ? and c.user_id = ?`,
      params: [categoryId, userId],
    },
  ];
}

/** The counters after one more completion, from the rows `countersBeforeStatements` read. */
export function countedCompletion(
  before: UserCounters | undefined,
  category: { name: string; prior: number } | undefined,
  count: CompletionCount,
): UserCounters {
  const counters = normalise(before);
  const add = (map: Record<string, number>, key: string) => ({ ...map, [key]: (map[key] ?? 0) + 1 });
  return {
    ...counters,
    completions: counters.completions + 1,
    byDifficulty: add(counters.byDifficulty, count.difficulty),
    byMinute: add(counters.byMinute as Record<string, number>, String(count.minute)),
    byCategory: category ? add(counters.byCategory, category.name) : counters.byCategory,
    categoriesUsed: counters.categoriesUsed + (category && Number(category.prior) <= 0 ? 1 : 0),
  };
}

/** The user's counters (all zero before the first completion or step). */
export async function loadCounters(em: EntityManager, userId: string): Promise<UserCounters> {
  const [row] = await em.execute<UserCounters[]>(SELECT_COUNTERS, [userId]);
  return row ? normalise(row) : { ...EMPTY };
}

/**
 * Counts steps ticked off (`delta` 1) or unticked (`delta` -1) towards the
 * `steps_done` achievements; run it inside the step's transaction.
 */
export function stepsDoneStatement(userId: string, delta: number): { sql: string; params: unknown[] } {
  return {
    sql: `insert into user_stats as u (user_id, steps_done) values (?, greatest(0, ?::int))
          on conflict (user_id) do update set steps_done = greatest(0, u.steps_done + ?::int)`,
    params: [userId, delta, delta],
  };
}

function normalise(row: UserCounters | undefined): UserCounters {
  if (!row) return { ...EMPTY };
  return {
    completions: Number(row.completions),
    byDifficulty: row.byDifficulty ?? {},
    byCategory: row.byCategory ?? {},
    categoriesUsed: Number(row.categoriesUsed ?? 0),
    byMinute: row.byMinute ?? {},
    stepsDone: Number(row.stepsDone),
  };
}
