import { p } from '@mikro-orm/core';

/** Column builders shared by every entity, so all tables agree on keys and timestamps. */
export const uuidPk = () => p.uuid().primary().defaultRaw('gen_random_uuid()');
export const createdAt = () =>
  p
    .datetime()
    .columnType('timestamptz')
    .defaultRaw('now()')
    .onCreate(() => new Date());
export const updatedAt = () =>
  p
    .datetime()
    .columnType('timestamptz')
    .defaultRaw('now()')
    .onCreate(() => new Date())
    .onUpdate(() => new Date());
export const timestamp = () => p.datetime().columnType('timestamptz');
export const metadata = () => p.json<Record<string, unknown>>().columnType('jsonb').defaultRaw(`'{}'`);

export const DIFFICULTIES = ['EASY', 'MEDIUM', 'HARD', 'EPIC'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];
export const QUEST_STATUSES = ['DRAFT', 'ACTIVE', 'IN_PROGRESS', 'COMPLETED', 'ARCHIVED'] as const;
export type QuestStatus = (typeof QUEST_STATUSES)[number];
export const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const DEPENDENCY_TYPES = ['sequential', 'resource', 'time'] as const;
export type DependencyType = (typeof DEPENDENCY_TYPES)[number];
export const PLATFORMS = ['console', 'discord', 'slack'] as const;
export const RARITIES = ['common', 'rare', 'epic', 'legendary'] as const;
export type Rarity = (typeof RARITIES)[number];
export const STREAK_TYPES = ['daily', 'weekly', 'monthly'] as const;
export type StreakType = (typeof STREAK_TYPES)[number];

/**
 * The owner of a quest's child row (its steps, its tags, its dependencies):
 * the database fills it with the acting user, or from the quest when no user
 * is acting (migration 20261202110000), so row-level security compares a
 * column instead of looking the quest up. Code never sets it.
 */
export const questChildOwner = () => p.uuid().fieldName('user_id').defaultRaw(`(NULLIF(current_setting('questlog.user_id'::text, true), ''::text))::uuid`);
