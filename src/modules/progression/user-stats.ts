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
export function countedCompletion(before: UserCounters, category: { name: string; prior: number } | null, count: CompletionCount): UserCounters {
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
