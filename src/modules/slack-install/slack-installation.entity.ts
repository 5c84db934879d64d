import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, updatedAt, uuidPk } from '../columns.js';

/** A Slack OAuth installation, keyed by team id (or enterprise id for org-wide installs). */
export const SlackInstallation = defineEntity({
  name: 'SlackInstallation',
  tableName: 'slack_installations',
  properties: {
    id: uuidPk(),
    installKey: p.string().length(80).unique('slack_installations_install_key_unique'),
    teamId: p.string().length(32).nullable(),
    enterpriseId: p.string().length(32).nullable(),
    isEnterpriseInstall: p.boolean().default(false),
    botUserId: p.string().length(32).nullable(),
    installation: p.json<Record<string, unknown>>().columnType('jsonb'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});
export type ISlackInstallation = InferEntity<typeof SlackInstallation>;
