import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, PLATFORMS, timestamp, updatedAt, uuidPk } from '../columns.js';
import { Streak } from '../streak/streak.entity.js';

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: uuidPk(),
    email: p.string().length(255).nullable().unique('users_email_unique'),
    username: p.string().length(30).unique('users_username_unique'),
    displayName: p.string().length(100).nullable(),
    avatar: p.string().length(500).nullable(),
    level: p.integer().default(1),
    experiencePoints: p.integer().default(0),
    /** Last per-user quest number handed out; incremented under the row lock. */
    questCounter: p.integer().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    lastLoginAt: timestamp().nullable(),
    profile: () => p.oneToOne(UserProfile).mappedBy('user').nullable(),
    identities: () => p.oneToMany(UserIdentity).mappedBy('user'),
    streaks: () => p.oneToMany(Streak).mappedBy('user'),
  },
  indexes: [
    { name: 'idx_users_email', properties: ['email'] },
    { name: 'idx_users_username', properties: ['username'] },
    { name: 'idx_users_level', properties: ['level'] },
    { name: 'idx_users_experience_points', properties: ['experiencePoints'] },
  ],
});
export type IUser = InferEntity<typeof User>;

export const UserProfile = defineEntity({
  name: 'UserProfile',
  tableName: 'user_profiles',
  properties: {
    id: uuidPk(),
    user: () => p.oneToOne(User).inversedBy('profile').fieldName('user_id').deleteRule('cascade').unique('user_profiles_user_id_unique'),
    timezone: p.string().length(64).default('UTC'),
    dayStartHour: p.smallint().default(0),
    reminderTime: p.string().length(5).nullable(),
    nextReminderAt: timestamp().nullable(),
    quietHoursStart: p.string().length(5).nullable(),
    quietHoursEnd: p.string().length(5).nullable(),
    locale: p.string().length(10).default('en'),
    streakFreezes: p.integer().default(0),
    leaderboardOptIn: p.boolean().default(true),
    /** Local hour of the streak-at-risk nudge (issue 10). */
    streakNudgeHour: p.smallint().default(20),
    /** Next instant the streak watch looks at this user (evening nudge or day end); null = work it out next tick. */
    nextStreakCheckAt: timestamp().nullable(),
    /** When the current vacation began (issue 11); null when not on vacation. */
    vacationSince: timestamp().nullable(),
    /** When it ends by itself; null = until turned off. */
    vacationUntil: timestamp().nullable(),
    /** Minutes before a due time the due-soon notice goes out; null = off. */
    dueSoonMinutes: p.smallint().nullable().default(60),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [
    { name: 'idx_user_profiles_user_id', properties: ['user'] },
    { name: 'idx_user_profiles_next_streak_check_at', properties: ['nextStreakCheckAt'] },
    { name: 'idx_user_profiles_next_reminder_at', properties: ['nextReminderAt'] },
  ],
  checks: [
    { name: 'user_profiles_day_start_hour_check', expression: 'day_start_hour >= 0 and day_start_hour <= 23' },
    { name: 'user_profiles_streak_freezes_check', expression: 'streak_freezes >= 0 and streak_freezes <= 2' },
    { name: 'user_profiles_streak_nudge_hour_check', expression: 'streak_nudge_hour >= 0 and streak_nudge_hour <= 23' },
    { name: 'user_profiles_due_soon_minutes_check', expression: 'due_soon_minutes is null or (due_soon_minutes >= 5 and due_soon_minutes <= 1440)' },
    {
      name: 'user_profiles_vacation_check',
      expression: 'vacation_until is null or (vacation_since is not null and vacation_until > vacation_since)',
    },
  ],
});
export type IUserProfile = InferEntity<typeof UserProfile>;

export const UserIdentity = defineEntity({
  name: 'UserIdentity',
  tableName: 'user_identities',
  properties: {
    id: uuidPk(),
    user: () => p.manyToOne(User).fieldName('user_id').deleteRule('cascade'),
    platform: p.enum([...PLATFORMS]),
    scope: p.string().length(64).default(''),
    platformUserId: p.string().length(64),
    displayName: p.string().length(100).nullable(),
    /** Set when the platform refuses direct messages (Discord 50007, Slack account_inactive). */
    unreachableAt: timestamp().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [{ name: 'user_identities_platform_scope_user_unique', properties: ['platform', 'scope', 'platformUserId'] }],
  indexes: [{ name: 'idx_user_identities_user_id', properties: ['user'] }],
});
export type IUserIdentity = InferEntity<typeof UserIdentity>;
