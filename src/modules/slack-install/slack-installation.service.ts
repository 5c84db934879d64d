import type { EntityManager } from '@mikro-orm/postgresql';
import type { SlackInstallationPort, SlackInstallationRecord } from '../../core/ports.js';

/** Slack OAuth installations in `slack_installations`, one row per install key. */
export class SlackInstallationService implements SlackInstallationPort {
  constructor(private readonly em: EntityManager) {}

  /** Inserts or replaces the installation of a workspace (reinstalls refresh tokens and scopes). */
  async saveInstallation(record: SlackInstallationRecord): Promise<void> {
    await this.em.execute(
      `insert into slack_installations (install_key, team_id, enterprise_id, is_enterprise_install, bot_user_id, installation)
       values (?, ?, ?, ?, ?, ?::jsonb)
       on conflict (install_key) do update set
         team_id = excluded.team_id, enterprise_id = excluded.enterprise_id,
         is_enterprise_install = excluded.is_enterprise_install, bot_user_id = excluded.bot_user_id,
         installation = excluded.installation, updated_at = now()`,
      [record.installKey, record.teamId, record.enterpriseId, record.isEnterpriseInstall, record.botUserId, JSON.stringify(record.installation)],
    );
  }

  async findInstallation(installKey: string): Promise<Record<string, unknown> | null> {
    const [row] = await this.em.execute<{ installation: Record<string, unknown> | string }[]>(
      'select installation from slack_installations where install_key = ?',
      [installKey],
    );
    if (!row) return null;
    return typeof row.installation === 'string' ? (JSON.parse(row.installation) as Record<string, unknown>) : row.installation;
  }

  /** Resolves true when an installation was removed. */
  async deleteInstallation(installKey: string): Promise<boolean> {
    const rows = await this.em.execute<{ id: string }[]>('delete from slack_installations where install_key = ? returning id', [installKey]);
    return rows.length > 0;
  }
}
