import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, PLATFORMS, timestamp, updatedAt, uuidPk } from '../columns.js';
import { User } from '../user/user.entity.js';

/** A Discord guild, a Slack workspace or the console: the scope of a leaderboard. */
export const Space = defineEntity({
  name: 'Space',
  tableName: 'spaces',
  properties: {
    id: uuidPk(),
    platform: p.enum([...PLATFORMS]),
    externalId: p.string().length(64),
    name: p.string().length(100).nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [{ name: 'spaces_platform_external_id_unique', properties: ['platform', 'externalId'] }],
});
export type ISpace = InferEntity<typeof Space>;

export const SpaceMember = defineEntity({
  name: 'SpaceMember',
  tableName: 'space_members',
  properties: {
    spaceId: p.manyToOne(Space).mapToPk().fieldName('space_id').deleteRule('cascade').primary(),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade').primary(),
    joinedAt: createdAt(),
    lastSeenAt: timestamp().defaultRaw('now()'),
  },
  primaryKeys: ['spaceId', 'userId'],
  indexes: [{ name: 'idx_space_members_user_id', properties: ['userId'] }],
});
export type ISpaceMember = InferEntity<typeof SpaceMember>;
