import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, uuidPk } from '../columns.js';

export const PRIVACY_ACTIONS = ['export', 'forget', 'link'] as const;
export type PrivacyAction = (typeof PRIVACY_ACTIONS)[number];

/**
 * What was done to personal data, without saying whose: no user id, name or
 * platform id, only the action, when, and how many rows of each kind it touched.
 */
export const PrivacyAudit = defineEntity({
  name: 'PrivacyAudit',
  tableName: 'privacy_audit',
  properties: {
    id: uuidPk(),
    action: p.enum([...PRIVACY_ACTIONS]),
    at: createdAt(),
    counts: p.json<Record<string, number>>().columnType('jsonb').defaultRaw(`'{}'`),
  },
  indexes: [{ name: 'idx_privacy_audit_at', properties: ['at'] }],
});
export type IPrivacyAudit = InferEntity<typeof PrivacyAudit>;
