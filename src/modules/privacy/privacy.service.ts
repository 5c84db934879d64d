import { gzipSync } from 'node:zlib';
import type { EntityManager } from '@mikro-orm/postgresql';
import { identityKvKeys } from '../../core/user-keys.js';
import type { KvStore } from '../../infra/kv/kv.js';
import type { Logger } from '../../infra/logger.js';
import type { LeaderboardService } from '../leaderboard/leaderboard.service.js';
import { LinkCodes } from '../link/link.codes.js';
import type { UserDirectory } from '../user/user.service.js';
import { ExportRepository, type UserData } from './export.repository.js';
import { PrivacyRepository, type HoldingsSummary, type RowCounts } from './privacy.repository.js';

/** Discord's attachment limit for bots is 10 MiB: larger exports go out gzip-compressed. */
export const PLAIN_EXPORT_LIMIT_BYTES = 8 * 1024 * 1024;

export interface ExportFile {
  name: string;
  data: Buffer;
  contentType: string;
  compressed: boolean;
  /** Rows per section (what the audit keeps). */
  counts: RowCounts;
  rows: number;
}

export interface ForgetOutcome {
  counts: RowCounts;
  rows: number;
}

export interface PrivacyDeps {
  kv: KvStore;
  logger: Logger;
  directory: UserDirectory;
  leaderboard: LeaderboardService;
}

/** Data ownership: everything about a user as one file, and erasure of all of it. */
export class PrivacyService {
  private readonly exports: ExportRepository;
  private readonly privacy: PrivacyRepository;

  constructor(
    em: EntityManager,
    private readonly deps: PrivacyDeps,
  ) {
    this.exports = new ExportRepository(em);
    this.privacy = new PrivacyRepository(em);
  }

  /** A JSON file of every row stored about the user; the audit records only the counts. */
  async exportData(userId: string, now: Date): Promise<ExportFile> {
    const data = await this.exports.collect(userId);
    if (!data) throw new Error('export of a user that does not exist');
    const counts = exportCounts(data);
    const document = {
      format: 'questlog-export',
      version: 1,
      exportedAt: now.toISOString(),
      about: 'Every row Questlog stores about you, table by table; quest steps, tags, dependencies, analytics and search document sit under their quest.',
      ...data,
    };
    const json = Buffer.from(`${JSON.stringify(document, null, 2)}\n`, 'utf8');
    const base = `questlog-export-${now.toISOString().slice(0, 10)}.json`;
    const compressed = json.length > PLAIN_EXPORT_LIMIT_BYTES;
    await this.privacy.audit('export', counts);
    return {
      name: compressed ? `${base}.gz` : base,
      data: compressed ? gzipSync(json) : json,
      contentType: compressed ? 'application/gzip' : 'application/json',
      compressed,
      counts,
      rows: sum(counts),
    };
  }

  async holdings(userId: string): Promise<HoldingsSummary | null> {
    return this.privacy.summary(userId);
  }

  /**
   * Deletes the user and everything about them (one transaction), then their kv
   * entries, leaderboard places and this process's cached identity mapping.
   * Null when there was nothing left to delete.
   */
  async forgetMe(userId: string, now: Date): Promise<ForgetOutcome | null> {
    const erased = await this.privacy.erase(userId);
    if (!erased) return null;
    const { kv, leaderboard, directory, logger } = this.deps;
    directory.forgetUser(userId);
    const keys = erased.identities.flatMap((identity) => identityKvKeys(identity));
    await Promise.all([
      keys.length ? kv.del(...keys) : Promise.resolve(0),
      new LinkCodes(kv).revoke(userId),
      // Off every cached board in every space they were in; boards not built yet are rebuilt without them.
      leaderboard.publish({ userId, optedIn: false, spaces: erased.spaceIds, scores: { all: 0, week: 0, month: 0 }, now }),
    ]).catch((error: unknown) => logger.warn({ err: error, userId }, 'kv entries of an erased user could not all be removed; they expire by their TTL'));
    return { counts: erased.counts, rows: sum(erased.counts) };
  }
}

function exportCounts(data: UserData): RowCounts {
  const quests = data.quests;
  return {
    users: 1,
    user_profiles: data.profile ? 1 : 0,
    user_identities: data.identities.length,
    space_members: data.spaceMemberships.length,
    quests: quests.length,
    quest_steps: quests.reduce((n, q) => n + q.steps.length, 0),
    quest_tags: quests.reduce((n, q) => n + q.tags.length, 0),
    quest_dependencies: quests.reduce((n, q) => n + q.dependencies.length, 0),
    quest_analytics: quests.reduce((n, q) => n + q.analytics.length, 0),
    quest_search_documents: quests.reduce((n, q) => n + q.searchDocument.length, 0),
    tags: data.tags.length,
    quest_categories: data.categories.length,
    projects: data.projects.length,
    streaks: data.streaks.length,
    user_achievements: data.achievements.length,
    experience_events: data.experienceLedger.length,
    user_stats: data.stats ? 1 : 0,
    user_behavior_logs: data.behaviorLogs.length,
    notifications: data.notifications.length,
    notification_preferences: data.notificationPreferences.length,
    ai_suggestions: data.aiSuggestions.length,
    quest_series: data.questSeries.length,
  };
}

function sum(counts: RowCounts): number {
  return Object.values(counts).reduce((n, c) => n + c, 0);
}
