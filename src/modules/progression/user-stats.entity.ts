import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { updatedAt } from '../columns.js';
import { User } from '../user/user.entity.js';

const counts = () => p.json<Record<string, number>>().columnType('jsonb').defaultRaw(`'{}'`);

/**
 * Running counters per user, kept up to date by completion, undo and steps, so
 * achievements are evaluated from one row instead of by scanning history.
 */
export const UserStats = defineEntity({
  name: 'UserStats',
  tableName: 'user_stats',
  properties: {
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade').primary(),
    completions: p.integer().default(0),
    /** Difficulty (`EASY`..`EPIC`) -> completions. */
    completionsByDifficulty: counts(),
    /** Category id -> completions (ids survive renames; names are joined when evaluating). */
    completionsByCategory: counts(),
    /** Local minute of day (0-1439) at completion -> completions. */
    completionsByMinute: counts(),
    stepsDone: p.integer().default(0),
    updatedAt: updatedAt(),
  },
  checks: [
    { name: 'user_stats_completions_check', expression: 'completions >= 0' },
    { name: 'user_stats_steps_done_check', expression: 'steps_done >= 0' },
  ],
});
export type IUserStats = InferEntity<typeof UserStats>;
