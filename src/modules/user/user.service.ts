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
  /** Served from this process's memo rather than looked up: another replica may have deleted or merged the user since. */
  remembered: boolean;
}

const CACHE_LIMIT = 50_000;
/** Space membership is refreshed at most this often per (space, user). */
const MEMBERSHIP_REFRESH_MS = 10 * 60_000;
/** How long an identity -> user id mapping is trusted without looking at the database again. */
export const IDENTITY_TTL_MS = 60_000;

/**
 * Per-process memo of identity -> user id and of recent space memberships.
 * The mapping changes when a user is forgotten (`/questlog forget-me`) or
 * absorbed by a link: the replica that ran the command drops it at once
 * (`forgetUser`); other replicas look again after `ttlMs`, or at once when a
 * command fails for a user that no longer exists (`UserService.forgetIfStale`).
 */
export class UserDirectory {
  readonly identities = new Map<string, { userId: string; at: number }>();
  readonly memberships = new Map<string, { spaceId: string; at: number }>();

  constructor(readonly ttlMs = IDENTITY_TTL_MS) {}

  remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (map.size >= CACHE_LIMIT) map.clear();
    map.set(key, value);
  }

  /** The remembered user id of an identity key, unless older than the TTL. */
  userIdOf(key: string, now: number): string | undefined {
    const entry = this.identities.get(key);
    if (!entry) return undefined;
    if (now - entry.at >= this.ttlMs || now < entry.at) {
      this.identities.delete(key);
      return undefined;
    }
    return entry.userId;
  }

  /** Drops every identity and membership remembered for the user, so their next command looks them up again. */
  forgetUser(userId: string): void {
    for (const [key, entry] of this.identities) if (entry.userId === userId) this.identities.delete(key);
    for (const key of this.memberships.keys()) if (key.endsWith(`\u0000${userId}`)) this.memberships.delete(key);
  }
}

const identityKey = (identity: Identity) => `${identity.platform}\u0000${identity.scope}\u0000${identity.platformUserId}`;

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
    const key = identityKey(identity);
    const displayName = identity.displayName?.slice(0, 100) || identity.platformUserId;
    const remembered = this.directory.userIdOf(key, now);
    if (remembered) {
      try {
        const spaceId = space ? await this.touchMembership(space, remembered, now) : null;
        return { id: remembered, displayName, spaceId, remembered: true };
      } catch (error) {
        // Joining a space fails for a user deleted on another replica: look the identity up again.
        if (!(await this.forgetIfStale(identity, remembered))) throw error;
      }
    }
    const userId = (await this.users.findUserIdByIdentity(identity)) ?? (await this.createUser(identity, displayName, hints));
    this.directory.remember(this.directory.identities, key, { userId, at: now });
    const spaceId = space ? await this.touchMembership(space, userId, now) : null;
    return { id: userId, displayName, spaceId, remembered: false };
  }

  /**
   * True when the identity no longer leads to `userId` (the user was forgotten,
   * or absorbed by a link, on another replica); the memo of that user is dropped.
   */
  async forgetIfStale(identity: Identity, userId: string): Promise<boolean> {
    const current = await this.users.findUserIdByIdentity(identity);
    if (current === userId) return false;
    this.directory.forgetUser(userId);
    this.directory.identities.delete(identityKey(identity));
    return true;
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
