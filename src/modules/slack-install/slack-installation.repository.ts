import type { EntityManager } from '@mikro-orm/postgresql';
import type { SlackInstallationRecord } from '../../core/ports.js';
import { SlackInstallation } from './slack-installation.entity.js';

/** `slack_installations`, one row per install key. */
export class SlackInstallationRepository {
  constructor(private readonly em: EntityManager) {}

  /** Inserts or replaces by install key (one statement). */
  async upsert(record: SlackInstallationRecord): Promise<void> {
    await this.em.upsert(
      SlackInstallation,
      // Stored as JSON text would keep it: keys without a value are left out, not turned into nulls.
      { ...record, installation: JSON.parse(JSON.stringify(record.installation)) as Record<string, unknown>, updatedAt: new Date() },
      { onConflictFields: ['installKey'], onConflictAction: 'merge', onConflictExcludeFields: ['id', 'createdAt'], disableIdentityMap: true },
    );
  }

  async findInstallation(installKey: string): Promise<Record<string, unknown> | null> {
    const row = await this.em.findOne(SlackInstallation, { installKey }, { fields: ['installation'], disableIdentityMap: true });
    if (!row) return null;
    const installation = row.installation as Record<string, unknown> | string;
    return typeof installation === 'string' ? (JSON.parse(installation) as Record<string, unknown>) : installation;
  }

  /** Resolves true when a row was removed. */
  async delete(installKey: string): Promise<boolean> {
    return (await this.em.nativeDelete(SlackInstallation, { installKey })) > 0;
  }
}
