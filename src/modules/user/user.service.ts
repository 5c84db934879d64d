import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity, SpaceRef } from '../../core/invocation.js';
import { isValidTimezone } from '../shared/time.js';

export interface ResolvedUser {
  id: string;
  displayName: string;
  spaceId: string | null;
}

const CACHE_LIMIT = 50_000;
/** Space membership is refreshed at most this often per (space, user). */
const MEMBERSHIP_REFRESH_MS = 10 * 60_000;

/**
 * Per-process memo of identity -> user id (it never changes once created, so
 * replicas need no coordination) and of recent space memberships.
 */
export class UserDirectory {
  readonly identities = new Map<string, string>();
  readonly memberships = new Map<string, { spaceId: string; at: number }>();

  remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (map.size >= CACHE_LIMIT) map.clear();
    map.set(key, value);
  }
}

export class UserService {
  constructor(
    private readonly em: EntityManager,
    private readonly directory: UserDirectory,
  ) {}

  /**
   * Finds the user behind a platform identity, creating user, profile and
   * identity in one transaction on first contact; records space membership.
   */
  async resolve(identity: Identity, space: SpaceRef | undefined, hints: { timezone?: string; locale?: string } = {}, now = Date.now()): Promise<ResolvedUser> {
    const key = `${identity.platform}\u0000${identity.scope}\u0000${identity.platformUserId}`;
    const displayName = identity.displayName?.slice(0, 100) || identity.platformUserId;
    let userId = this.directory.identities.get(key);
    if (!userId) {
      userId = (await this.findIdentity(identity)) ?? (await this.createUser(identity, displayName, hints));
      this.directory.remember(this.directory.identities, key, userId);
    }
    const spaceId = space ? await this.touchMembership(space, userId, now) : null;
    return { id: userId, displayName, spaceId };
  }

  private async findIdentity(identity: Identity): Promise<string | undefined> {
    const rows = await this.em.execute<{ user_id: string }[]>(
      'select user_id from user_identities where platform = ? and scope = ? and platform_user_id = ?',
      [identity.platform, identity.scope, identity.platformUserId],
    );
    return rows[0]?.user_id;
  }

  private async createUser(identity: Identity, displayName: string, hints: { timezone?: string; locale?: string }): Promise<string> {
    const username = `u${createHash('sha256').update(`${identity.platform}:${identity.scope}:${identity.platformUserId}`).digest('hex').slice(0, 20)}`;
    const timezone = hints.timezone && isValidTimezone(hints.timezone) ? hints.timezone : 'UTC';
    const locale = hints.locale?.slice(0, 10) ?? 'en';
    return this.em.transactional(async (em) => {
      // Two first commands at once: the loser of the race reuses the winner's rows.
      const [created] = await em.execute<{ id: string }[]>(
        `insert into users (username, display_name) values (?, ?)
         on conflict (username) do update set display_name = excluded.display_name
         returning id`,
        [username, displayName],
      );
      const userId = created!.id;
      await em.execute('insert into user_profiles (user_id, timezone, locale) values (?, ?, ?) on conflict (user_id) do nothing', [
        userId,
        timezone,
        locale,
      ]);
      await em.execute(
        `insert into user_identities (user_id, platform, scope, platform_user_id, display_name) values (?, ?, ?, ?, ?)
         on conflict (platform, scope, platform_user_id) do nothing`,
        [userId, identity.platform, identity.scope, identity.platformUserId, displayName],
      );
      const [row] = await em.execute<{ user_id: string }[]>(
        'select user_id from user_identities where platform = ? and scope = ? and platform_user_id = ?',
        [identity.platform, identity.scope, identity.platformUserId],
      );
      return row!.user_id;
    });
  }

  private async touchMembership(space: SpaceRef, userId: string, now: number): Promise<string> {
    const key = `${space.platform}\u0000${space.externalId}\u0000${userId}`;
    const seen = this.directory.memberships.get(key);
    if (seen && now - seen.at < MEMBERSHIP_REFRESH_MS) return seen.spaceId;
    const spaceId = await this.em.transactional(async (em) => {
      const [row] = await em.execute<{ id: string }[]>(
        `insert into spaces (platform, external_id, name) values (?, ?, ?)
         on conflict (platform, external_id) do update set name = coalesce(excluded.name, spaces.name)
         returning id`,
        [space.platform, space.externalId, space.name?.slice(0, 100) ?? null],
      );
      await em.execute(
        `insert into space_members (space_id, user_id) values (?, ?)
         on conflict (space_id, user_id) do update set last_seen_at = now()`,
        [row!.id, userId],
      );
      return row!.id;
    });
    this.directory.remember(this.directory.memberships, key, { spaceId, at: now });
    return spaceId;
  }
}

/**
 * Records that the platform refuses direct messages to this identity (Discord
 * 50007), so notifications stop retrying it. Keeps the first time it was seen.
 */
export async function markIdentityUnreachable(em: EntityManager, identity: Identity, at = new Date()): Promise<void> {
  await em.execute(
    `update user_identities set unreachable_at = ?::timestamptz, updated_at = now()
     where platform = ? and scope = ? and platform_user_id = ? and unreachable_at is null`,
    [at.toISOString(), identity.platform, identity.scope, identity.platformUserId],
  );
}
