import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { metadata, uuidPk } from '../columns.js';
import { User } from '../user/user.entity.js';

/** Monthly RANGE-partitioned on `timestamp` (raw SQL in the migration); the PK includes it. */
export const UserBehaviorLog = defineEntity({
  name: 'UserBehaviorLog',
  tableName: 'user_behavior_logs',
  properties: {
    id: uuidPk(),
    timestamp: p
      .datetime()
      .columnType('timestamptz')
      .primary()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade'),
    actionType: p.string().length(50),
    actionData: p.json<Record<string, unknown>>().columnType('jsonb').nullable(),
    contextData: p.json<Record<string, unknown>>().columnType('jsonb').nullable(),
    sessionId: p.uuid().nullable(),
    deviceInfo: p.json<Record<string, unknown>>().columnType('jsonb').nullable(),
    metadata: metadata(),
  },
  primaryKeys: ['id', 'timestamp'],
  indexes: [
    { name: 'idx_user_behavior_logs_user_id', properties: ['userId'] },
    { name: 'idx_user_behavior_logs_action_type', properties: ['actionType'] },
    { name: 'idx_user_behavior_logs_timestamp', properties: ['timestamp'] },
    { name: 'idx_user_behavior_logs_session_id', properties: ['sessionId'] },
  ],
});
export type IUserBehaviorLog = InferEntity<typeof UserBehaviorLog>;
