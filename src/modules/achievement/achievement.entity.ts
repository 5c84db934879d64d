import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, metadata, RARITIES, uuidPk } from '../columns.js';
import { User } from '../user/user.entity.js';

export const Achievement = defineEntity({
  name: 'Achievement',
  tableName: 'achievements',
  properties: {
    id: uuidPk(),
    /** Stable catalog key; the catalog migration upserts by it. */
    code: p.string().length(64).unique('achievements_code_unique'),
    name: p.string().length(100),
    description: p.text(),
    category: p.string().length(50),
    rarity: p.enum([...RARITIES]).default('common'),
    icon: p.string().length(100).nullable(),
    xpReward: p.integer().default(0),
    unlockCriteria: p.json<unknown>().columnType('jsonb'),
    isHidden: p.boolean().default(false),
    isSeasonal: p.boolean().default(false),
    seasonalStartDate: p.date().nullable(),
    seasonalEndDate: p.date().nullable(),
    createdAt: createdAt(),
    metadata: metadata(),
    unlocks: () => p.oneToMany(UserAchievement).mappedBy('achievement'),
  },
  indexes: [
    { name: 'idx_achievements_category', properties: ['category'] },
    { name: 'idx_achievements_rarity', properties: ['rarity'] },
    { name: 'idx_achievements_is_hidden', properties: ['isHidden'] },
    { name: 'idx_achievements_is_seasonal', properties: ['isSeasonal'] },
  ],
  checks: [{ name: 'achievements_xp_reward_check', expression: 'xp_reward >= 0' }],
});
export type IAchievement = InferEntity<typeof Achievement>;

export const UserAchievement = defineEntity({
  name: 'UserAchievement',
  tableName: 'user_achievements',
  properties: {
    id: uuidPk(),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade'),
    achievement: () => p.manyToOne(Achievement).fieldName('achievement_id').deleteRule('cascade'),
    /** Null while in progress; set when unlocked. */
    unlockedAt: p.datetime().columnType('timestamptz').nullable().defaultRaw('now()'),
    progressData: metadata(),
  },
  uniques: [{ name: 'user_achievements_user_achievement_unique', properties: ['userId', 'achievement'] }],
  indexes: [
    { name: 'idx_user_achievements_user_id', properties: ['userId'] },
    { name: 'idx_user_achievements_achievement_id', properties: ['achievement'] },
    { name: 'idx_user_achievements_unlocked_at', properties: ['unlockedAt'] },
  ],
});
export type IUserAchievement = InferEntity<typeof UserAchievement>;
