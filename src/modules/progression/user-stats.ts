import type { Difficulty } from '../columns.js';

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

/** The counters after one more completion, from the counters and the quest's category (with its completions so far) before it. */
export function countedCompletion(
  before: UserCounters,
  category: { name: string; prior: number } | null,
  count: CompletionCount,
): UserCounters {
  const counters = before;
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

/**
 * Kept for the step service until it moves to a repository: counts steps ticked off (`delta` 1) or unticked (`delta` -1) towards the
 * `steps_done` achievements; run it inside the step's transaction.
 */
export function stepsDoneStatement(userId: string, delta: number): { sql: string; params: unknown[] } {
  return {
    sql: `insert into user_stats as u (user_id, steps_done) values (?, greatest(0, ?::int))
          on conflict (user_id) do update set steps_done = greatest(0, u.steps_done + ?::int)`,
    params: [userId, delta, delta],
  };
}
