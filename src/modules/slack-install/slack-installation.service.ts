import type { EntityManager } from '@mikro-orm/postgresql';
import type { SlackInstallationPort, SlackInstallationRecord } from '../../core/ports.js';
import { SlackInstallationRepository } from './slack-installation.repository.js';

/** Slack OAuth installations, one per install key. */
export class SlackInstallationService implements SlackInstallationPort {
  private readonly repository: SlackInstallationRepository;

  constructor(em: EntityManager) {
    this.repository = new SlackInstallationRepository(em);
  }

  /** Inserts or replaces the installation of a workspace (reinstalls refresh tokens and scopes). */
  async saveInstallation(record: SlackInstallationRecord): Promise<void> {
    await this.repository.upsert(record);
  }

  async findInstallation(installKey: string): Promise<Record<string, unknown> | null> {
    return this.repository.findInstallation(installKey);
  }

  /** Resolves true when an installation was removed. */
  async deleteInstallation(installKey: string): Promise<boolean> {
    return this.repository.delete(installKey);
  }
}
