import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '../../core/invocation.js';
import { logBehavior } from '../analytics/behavior-log.service.js';
import { User, UserIdentity, UserProfile, type IUserProfile } from './user.entity.js';

/** The preferences `/settings` shows and changes. */
export interface SettingsView {
  timezone: string;
  dayStartHour: number;
  reminderTime: string | null;
  nextReminderAt: Date | null;
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
  leaderboardOptIn: boolean;
  /** Minutes before a due time the due-soon notice goes out; null = off. */
  dueSoonMinutes: number | null;
  /** The vacation as stored (set through the vacation service). */
  vacationSince: Date | null;
  vacationUntil: Date | null;
}

/** A change of some preferences. */
export type SettingsChange = Partial<Omit<SettingsView, 'leaderboardOptIn'> & { leaderboardOptIn: boolean }>;

export interface NewUser {
  username: string;
  displayName: string;
  timezone: string;
  locale: string;
  identity: Identity;
}

function view(profile: IUserProfile): SettingsView {
  return {
    timezone: profile.timezone,
    dayStartHour: profile.dayStartHour,
    reminderTime: profile.reminderTime ?? null,
    nextReminderAt: profile.nextReminderAt ?? null,
    quietHoursStart: profile.quietHoursStart ?? null,
    quietHoursEnd: profile.quietHoursEnd ?? null,
    leaderboardOptIn: profile.leaderboardOptIn,
    dueSoonMinutes: profile.dueSoonMinutes ?? null,
    vacationSince: profile.vacationSince ?? null,
    vacationUntil: profile.vacationUntil ?? null,
  };
}

const identityWhere = (identity: Identity) => ({ platform: identity.platform, scope: identity.scope, platformUserId: identity.platformUserId });

/** Users, their profiles (preferences) and their platform identities. */
export class UserRepository {
  constructor(private readonly em: EntityManager) {}

  async findUserIdByIdentity(identity: Identity): Promise<string | undefined> {
    // raw: on every identity's first command per process, compiling findOne or a query builder cost more CPU than the round trip.
    const [row] = await this.em.execute<Array<{ user_id: string }>>(
      'select user_id from user_identities where platform = ? and scope = ? and platform_user_id = ? limit 1',
      [identity.platform, identity.scope, identity.platformUserId],
    );
    return row?.user_id;
  }

  /**
   * Creates user, profile and identity in one transaction. Two first commands at
   * once: the loser of the race reuses the winner's rows.
   */
  async createUser(input: NewUser): Promise<string> {
    return this.em.transactional(async (tx) => {
      const user = await tx.upsert(
        User,
        { username: input.username, displayName: input.displayName },
        { onConflictFields: ['username'], onConflictAction: 'merge', onConflictMergeFields: ['displayName'], disableIdentityMap: true },
      );
      await tx
        .createQueryBuilder(UserProfile)
        .insert({ user: user.id, timezone: input.timezone, locale: input.locale })
        .onConflict(['user'])
        .ignore()
        .execute();
      await tx
        .createQueryBuilder(UserIdentity)
        .insert({ user: user.id, ...identityWhere(input.identity), displayName: input.displayName })
        .onConflict(['platform', 'scope', 'platformUserId'])
        .ignore()
        .execute();
      const identity = await tx.findOneOrFail(UserIdentity, identityWhere(input.identity), { fields: ['user'], disableIdentityMap: true });
      return identity.user.id;
    });
  }

  /** Keeps the first time the platform refused direct messages to this identity. */
  async markUnreachable(identity: Identity, at: Date): Promise<void> {
    await this.em.nativeUpdate(UserIdentity, { ...identityWhere(identity), unreachableAt: null }, { unreachableAt: at, updatedAt: new Date() });
  }

  async settings(userId: string): Promise<SettingsView> {
    return view(await this.em.findOneOrFail(UserProfile, { user: userId }, { disableIdentityMap: true }));
  }

  /**
   * Changes preferences under the profile's row lock: `change` sees the current
   * values. The behavior log entry and `then` run in the same transaction.
   */
  async updateSettings(
    userId: string,
    setting: string,
    change: (current: SettingsView) => SettingsChange,
    then?: (tx: EntityManager) => Promise<void>,
  ): Promise<SettingsView> {
    return this.em.transactional(async (tx) => {
      const profile = await tx.findOneOrFail(UserProfile, { user: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const values = change(view(profile));
      tx.assign(profile, values);
      await tx.flush();
      await logBehavior(tx, userId, 'settings_changed', { setting, values });
      await then?.(tx);
      return view(profile);
    });
  }
}
