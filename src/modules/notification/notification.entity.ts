import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, metadata, timestamp, updatedAt, uuidPk } from '../columns.js';
import { User } from '../user/user.entity.js';

/** HASH-partitioned by `user_id` (raw SQL in the migration); the PK includes it. Doubles as the outbox. */
export const Notification = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  properties: {
    id: uuidPk(),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade').primary(),
    type: p.string().length(50),
    title: p.string().length(255),
    message: p.text().nullable(),
    data: metadata(),
    isRead: p.boolean().default(false),
    isSent: p.boolean().default(false),
    sentAt: timestamp().nullable(),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    createdAt: createdAt(),
    expiresAt: timestamp().nullable(),
    metadata: metadata(),
    /** One row per (user, key), e.g. `reminder:2026-12-02`: re-runs and other replicas write nothing twice. */
    dedupeKey: p.string().length(120).nullable(),
    /** Earliest send time (quiet hours, retry backoff); null = at once. */
    deliverAfter: timestamp().nullable(),
    /** A delivery worker's claim; once past, another worker may take the row. */
    leaseUntil: timestamp().nullable(),
    /** `dm`, `email`, or `reply` (shown in a command reply, so never sent as a DM). */
    deliveredVia: p.string().length(20).nullable(),
  },
  primaryKeys: ['id', 'userId'],
  uniques: [{ name: 'notifications_user_dedupe_unique', properties: ['userId', 'dedupeKey'] }],
  indexes: [
    { name: 'idx_notifications_outbox', properties: ['isSent', 'deliverAfter'] },
    { name: 'idx_notifications_user_id', properties: ['userId'] },
    { name: 'idx_notifications_type', properties: ['type'] },
    { name: 'idx_notifications_is_read', properties: ['isRead'] },
    { name: 'idx_notifications_is_sent', properties: ['isSent'] },
    { name: 'idx_notifications_created_at', properties: ['createdAt'] },
  ],
});
export type INotification = InferEntity<typeof Notification>;

export const NotificationPreference = defineEntity({
  name: 'NotificationPreference',
  tableName: 'notification_preferences',
  properties: {
    id: uuidPk(),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade'),
    notificationType: p.string().length(50),
    emailEnabled: p.boolean().default(true),
    pushEnabled: p.boolean().default(true),
    inAppEnabled: p.boolean().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [{ name: 'notification_preferences_user_type_unique', properties: ['userId', 'notificationType'] }],
  indexes: [
    { name: 'idx_notification_preferences_user_id', properties: ['userId'] },
    { name: 'idx_notification_preferences_type', properties: ['notificationType'] },
  ],
});
export type INotificationPreference = InferEntity<typeof NotificationPreference>;
