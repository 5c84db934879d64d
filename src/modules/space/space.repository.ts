import type { EntityManager } from '@mikro-orm/postgresql';
import type { SpaceRef } from '../../core/invocation.js';
import { Space, SpaceMember } from './space.entity.js';

/** Spaces (guilds, workspaces, the console) and who has been seen in them. */
export class SpaceRepository {
  constructor(private readonly em: EntityManager) {}

  /** Creates or renames the space and records the user as seen in it now; returns the space id. */
  async join(space: SpaceRef, userId: string): Promise<string> {
    return this.em.transactional(async (tx) => {
      const name = space.name?.slice(0, 100) ?? null;
      const row = await tx.upsert(
        Space,
        { platform: space.platform, externalId: space.externalId, ...(name === null ? {} : { name }), updatedAt: new Date() },
        {
          onConflictFields: ['platform', 'externalId'],
          onConflictAction: 'merge',
          onConflictMergeFields: name === null ? ['updatedAt'] : ['name', 'updatedAt'],
          disableIdentityMap: true,
        },
      );
      await tx.upsert(
        SpaceMember,
        { spaceId: row.id, userId, lastSeenAt: new Date() },
        { onConflictFields: ['spaceId', 'userId'], onConflictAction: 'merge', onConflictMergeFields: ['lastSeenAt'], disableIdentityMap: true },
      );
      return row.id;
    });
  }

  /** Ids of the spaces the user belongs to. */
  async spacesOf(userId: string): Promise<string[]> {
    const rows = await this.em.find(SpaceMember, { userId }, { fields: ['spaceId'], disableIdentityMap: true });
    return rows.map((r) => r.spaceId);
  }
}
