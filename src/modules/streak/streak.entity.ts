import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, metadata, STREAK_TYPES, updatedAt, uuidPk } from '../columns.js';
import { User } from '../user/user.entity.js';

export const Streak = defineEntity({
  name: 'Streak',
  tableName: 'streaks',
  properties: {
    id: uuidPk(),
    user: () => p.manyToOne(User).fieldName('user_id').deleteRule('cascade'),
    streakType: p.enum([...STREAK_TYPES]),
    currentCount: p.integer().default(0),
    longestCount: p.integer().default(0),
    startDate: p.date(),
    lastActivityDate: p.date(),
    isActive: p.boolean().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    metadata: metadata(),
  },
  indexes: [
    { name: 'idx_streaks_user_id', properties: ['user'] },
    { name: 'idx_streaks_type', properties: ['streakType'] },
    { name: 'idx_streaks_is_active', properties: ['isActive'] },
    { name: 'idx_streaks_last_activity_date', properties: ['lastActivityDate'] },
    {
      name: 'streaks_one_active_per_type',
      expression: 'create unique index "streaks_one_active_per_type" on "streaks" ("user_id", "streak_type") where is_active',
    },
  ],
  checks: [
    { name: 'streaks_current_count_check', expression: 'current_count >= 0' },
    { name: 'streaks_longest_count_check', expression: 'longest_count >= 0' },
  ],
});
export type IStreak = InferEntity<typeof Streak>;
