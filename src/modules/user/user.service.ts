import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity, SpaceRef } from '../../core/invocation.js';
import { isValidTimezone } from '../shared/time.js';
import { SpaceRepository } from '../space/space.repository.js';
import { UserRepository } from './user.repository.js';

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
  private readonly users: UserRepository;
  private readonly spaces: SpaceRepository;

  constructor(
    em: EntityManager,
    private readonly directory: UserDirectory,
  ) {
    this.users = new UserRepository(em);
    this.spaces = new SpaceRepository(em);
  }

  /**
   * Finds the user behind a platform identity, creating user, profile and
   * identity in one transaction on first contact; records space membership.
   */
  async resolve(identity: Identity, space: SpaceRef | undefined, hints: { timezone?: string; locale?: string } = {}, now = Date.now()): Promise<ResolvedUser> {
    const key = `${identity.platform}\u0000${identity.scope}\u0000${identity.platformUserId}`;
    const displayName = identity.displayName?.slice(0, 100) || identity.platformUserId;
    let userId = this.directory.identities.get(key);
    if (!userId) {
      userId = (await this.users.findUserIdByIdentity(identity)) ?? (await this.createUser(identity, displayName, hints));
      this.directory.remember(this.directory.identities, key, userId);
    }
    const spaceId = space ? await this.touchMembership(space, userId, now) : null;
    return { id: userId, displayName, spaceId };
  }

  private async createUser(identity: Identity, displayName: string, hints: { timezone?: string; locale?: string }): Promise<string> {
    const username = `u${createHash('sha256').update(`${identity.platform}:${identity.scope}:${identity.platformUserId}`).digest('hex').slice(0, 20)}`;
    const timezone = hints.timezone && isValidTimezone(hints.timezone) ? hints.timezone : 'UTC';
    const locale = hints.locale?.slice(0, 10) ?? 'en';
    return this.users.createUser({ username, displayName, timezone, locale, identity });
  }

  private async touchMembership(space: SpaceRef, userId: string, now: number): Promise<string> {
    const key = `${space.platform}\u0000${space.externalId}\u0000${userId}`;
    const seen = this.directory.memberships.get(key);
    if (seen && now - seen.at < MEMBERSHIP_REFRESH_MS) return seen.spaceId;
    const spaceId = await this.spaces.join(space, userId);
    this.directory.remember(this.directory.memberships, key, { spaceId, at: now });
    return spaceId;
  }
}

/**
 * Records that the platform refuses direct messages to this identity (Discord
 * 50007), so notifications stop retrying it. Keeps the first time it was seen.
 */
export async function markIdentityUnreachable(em: EntityManager, identity: Identity, at = new Date()): Promise<void> {
  await new UserRepository(em).markUnreachable(identity, at);
}
