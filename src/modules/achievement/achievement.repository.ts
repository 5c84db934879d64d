import type { EntityManager } from '@mikro-orm/postgresql';
import type { Rarity } from '../columns.js';
import { User } from '../user/user.entity.js';
import { Achievement, UserAchievement } from './achievement.entity.js';

/** One catalog row as stored (criteria not parsed yet). */
export interface StoredAchievement {
  id: string;
  code: string;
  name: string;
  description: string;
  category: string;
  rarity: Rarity;
  icon: string | null;
  xpReward: number;
  criteria: unknown;
  isHidden: boolean;
  isSeasonal: boolean;
  seasonStart: string | null;
  seasonEnd: string | null;
  metadata: Record<string, unknown>;
}

export interface UnlockedAchievement {
  name: string;
  icon: string | null;
  rarity: string;
  unlockedAt: Date;
}

/** A user's row for one achievement: unlocked or in progress. */
export interface UserAchievementState {
  achievementId: string;
  unlockedAt: string | null;
  progress: number | null;
}

/** An unlock or a change of progress to store. */
export interface AchievementWrite {
  achievementId: string;
  /** Set for an unlock; an existing unlock time is never replaced. */
  unlockedAt: Date | null;
  progress: { progress: number; target: number };
}

/** The user's level and clock, for evaluating achievements. */
export interface AchievementSubject {
  level: number;
  timezone: string;
  dayStartHour: number;
}

const day = (value: unknown): string | null =>
  value == null ? null : typeof value === 'string' ? value.slice(0, 10) : new Date(value as Date).toISOString().slice(0, 10);

/** The achievement catalog and users' unlocks. */
export class AchievementRepository {
  constructor(private readonly em: EntityManager) {}

  async catalog(): Promise<StoredAchievement[]> {
    const rows = await this.em.find(Achievement, {}, { orderBy: [{ createdAt: 'asc' }, { code: 'asc' }], disableIdentityMap: true });
    return rows.map((a) => ({
      id: a.id,
      code: a.code,
      name: a.name,
      description: a.description,
      category: a.category,
      rarity: a.rarity,
      icon: a.icon ?? null,
      xpReward: a.xpReward,
      criteria: a.unlockCriteria,
      isHidden: a.isHidden,
      isSeasonal: a.isSeasonal,
      seasonStart: day(a.seasonalStartDate),
      seasonEnd: day(a.seasonalEndDate),
      metadata: a.metadata ?? {},
    }));
  }

  /** Achievement id -> when the user unlocked it. */
  async unlockTimes(userId: string): Promise<Map<string, Date>> {
    const rows = await this.em.find(
      UserAchievement,
      { userId, unlockedAt: { $ne: null } },
      { fields: ['achievement', 'unlockedAt'], disableIdentityMap: true },
    );
    return new Map(rows.map((r) => [r.achievement.id, new Date(r.unlockedAt!)]));
  }

  async unlockedCount(userId: string): Promise<number> {
    return this.em.count(UserAchievement, { userId, unlockedAt: { $ne: null } });
  }

  /** The user's latest unlocks, newest first (the richer reward first on a tie). */
  async latestUnlocked(userId: string, limit: number): Promise<UnlockedAchievement[]> {
    const rows = await this.em.find(
      UserAchievement,
      { userId, unlockedAt: { $ne: null } },
      {
        populate: ['achievement'],
        orderBy: [{ unlockedAt: 'desc' }, { achievement: { xpReward: 'desc' } }],
        limit,
        strategy: 'joined',
        disableIdentityMap: true,
      },
    );
    return rows.map((r) => ({ name: r.achievement.name, icon: r.achievement.icon ?? null, rarity: r.achievement.rarity, unlockedAt: new Date(r.unlockedAt!) }));
  }

  async subject(userId: string): Promise<AchievementSubject | null> {
    const user = await this.em.findOne(User, userId, {
      populate: ['profile'],
      fields: ['level', 'profile.timezone', 'profile.dayStartHour'],
      strategy: 'joined',
      disableIdentityMap: true,
    });
    if (!user) return null;
    return { level: user.level, timezone: user.profile?.timezone ?? 'UTC', dayStartHour: user.profile?.dayStartHour ?? 0 };
  }
}
