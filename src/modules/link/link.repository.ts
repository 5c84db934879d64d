import { LockMode, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UserAchievement } from '../achievement/achievement.entity.js';
import { UserBehaviorLog } from '../analytics/behavior-log.entity.js';
import { Category } from '../category/category.entity.js';
import { Notification, NotificationPreference } from '../notification/notification.entity.js';
import { ExperienceEvent } from '../progression/experience-event.entity.js';
import { levelForXp } from '../progression/progression.rules.js';
import { UserStats } from '../progression/user-stats.entity.js';
import { Project } from '../project/project.entity.js';
import { Quest, QuestAnalytics } from '../quest/quest.entity.js';
import { SpaceMember } from '../space/space.entity.js';
import { Streak } from '../streak/streak.entity.js';
import { AiSuggestion } from '../suggestion/ai-suggestion.entity.js';
import { QuestTag, Tag } from '../tag/tag.entity.js';
import { User, UserIdentity, UserProfile } from '../user/user.entity.js';
import { PrivacyAudit } from '../privacy/privacy-audit.entity.js';
import { mergeAchievements, mergeCounters, mergeStreaks, matchByName, numberOffset, type LinkSide } from './link.rules.js';

/** What a merge did, for the reply (numbers) and the audit (counts only). */
export interface MergeOutcome {
  survivorId: string;
  absorbedId: string;
  /** Absorbed quest numbers moved up by this much (`#3` became `#3 + offset`). */
  offset: number;
  /** The absorbed side's quest numbers before the merge, lowest and highest; null without quests. */
  movedRange: { from: number; to: number } | null;
  experiencePoints: number;
  level: number;
  quests: number;
  spaceIds: string[];
  counts: Record<string, number>;
}

/** Reads and the one-transaction merge behind `/questlog link`. */
export class LinkRepository {
  constructor(private readonly em: EntityManager) {}

  async side(userId: string): Promise<LinkSide | null> {
    const user = await this.em.findOne(User, { id: userId }, { fields: ['experiencePoints', 'questCounter'], disableIdentityMap: true });
    if (!user) return null;
    const mine = { userId };
    const counts = await Promise.all([
      this.em.count(Tag, mine),
      this.em.count(Category, mine),
      this.em.count(Project, mine),
      this.em.count(Streak, { user: userId }),
      this.em.count(UserAchievement, mine),
      this.em.count(ExperienceEvent, mine),
    ]);
    return {
      userId,
      quests: await this.em.count(Quest, mine),
      questCounter: user.questCounter,
      experiencePoints: user.experiencePoints,
      otherRows: counts.reduce((n, c) => n + c, 0),
    };
  }

  /** Platforms of a user's identities, for the wording of replies. */
  async platforms(userId: string): Promise<string[]> {
    const rows = await this.em.find(UserIdentity, { user: userId }, { fields: ['platform'], orderBy: { createdAt: 'asc' }, disableIdentityMap: true });
    return rows.map((r) => r.platform);
  }

  /**
   * Moves everything of `absorbedId` onto `survivorId` and deletes the absorbed
   * user, in one transaction with both users locked (in id order, so two merges
   * cannot deadlock). Null when either user is gone.
   */
  async merge(survivorId: string, absorbedId: string): Promise<MergeOutcome | null> {
    return this.em.transactional(async (em) => {
      const locked = await em.find(User, { id: { $in: [survivorId, absorbedId] } }, { orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE });
      const survivor = locked.find((u) => u.id === survivorId);
      const absorbed = locked.find((u) => u.id === absorbedId);
      if (!survivor || !absorbed) return null;
      const from = { userId: absorbedId };
      const to = { userId: survivorId };
      const counts: Record<string, number> = {};

      // Categories, projects and tags: same name (ignoring case) -> one row; others move.
      const categories = matchByName(await names(em, Category, survivorId), await names(em, Category, absorbedId));
      for (const [gone, kept] of categories.merge) {
        await em.nativeUpdate(Quest, { category: gone }, { category: kept });
        await remapLedgerCategory(em, absorbedId, gone, kept);
      }
      if (categories.merge.size) await em.nativeDelete(Category, { id: { $in: [...categories.merge.keys()] } });
      counts.categories_moved = await em.nativeUpdate(Category, { id: { $in: categories.move } }, to);
      counts.categories_merged = categories.merge.size;

      const projects = matchByName(await names(em, Project, survivorId), await names(em, Project, absorbedId));
      for (const [gone, kept] of projects.merge) await em.nativeUpdate(Quest, { project: gone }, { project: kept });
      if (projects.merge.size) await em.nativeDelete(Project, { id: { $in: [...projects.merge.keys()] } });
      counts.projects_moved = await em.nativeUpdate(Project, { id: { $in: projects.move } }, to);
      counts.projects_merged = projects.merge.size;

      const tags = matchByName(await names(em, Tag, survivorId), await names(em, Tag, absorbedId));
      // An absorbed tag is only on absorbed quests and a survivor tag only on survivor quests: no pair can collide.
      for (const [gone, kept] of tags.merge) await em.nativeUpdate(QuestTag, { tag: gone }, { tag: kept });
      if (tags.merge.size) await em.nativeDelete(Tag, { id: { $in: [...tags.merge.keys()] } });
      counts.tags_moved = await em.nativeUpdate(Tag, { id: { $in: tags.move } }, to);
      counts.tags_merged = tags.merge.size;

      // Quests: every one kept, renumbered after the survivor's numbers.
      const [maxRow] = await em.find(Quest, to, { fields: ['number'], orderBy: { number: 'desc' }, limit: 1 });
      const offset = numberOffset(survivor.questCounter, maxRow?.number ?? 0);
      const moved = await em.find(Quest, from, { fields: ['number'], orderBy: { number: 'asc' } });
      counts.quests_moved = await em
        .qb(Quest)
        .update({ userId: survivorId, number: raw('number + ?', [offset]) })
        .where(from)
        .execute('run')
        .then((r) => r.affectedRows);

      // Rows that simply change owner.
      counts.quest_analytics = await em.nativeUpdate(QuestAnalytics, from, to);
      counts.experience_events = await em.nativeUpdate(ExperienceEvent, from, to);
      counts.ai_suggestions = await em.nativeUpdate(AiSuggestion, from, to);
      counts.user_behavior_logs = await em.nativeUpdate(UserBehaviorLog, from, to);
      counts.notifications = await em.nativeUpdate(Notification, from, to);
      counts.user_identities = await em.nativeUpdate(UserIdentity, { user: absorbedId }, { user: survivorId });

      const preferences = await em.find(NotificationPreference, to, { fields: ['notificationType'] });
      counts.notification_preferences = await em.nativeUpdate(
        NotificationPreference,
        { userId: absorbedId, notificationType: { $nin: preferences.map((p) => p.notificationType) } },
        to,
      );

      // Achievements: the union, earliest unlock kept.
      const achievements = mergeAchievements(await achievementRows(em, survivorId), await achievementRows(em, absorbedId));
      for (const { id, unlockedAt } of achievements.unlockedAt) await em.nativeUpdate(UserAchievement, { id }, { unlockedAt });
      counts.user_achievements = await em.nativeUpdate(UserAchievement, { id: { $in: achievements.move } }, to);

      // Streaks: the longer active one per type stays active; all history moves.
      const active = async (userId: string) =>
        (await em.find(Streak, { user: userId, isActive: true })).map((s) => ({
          id: s.id,
          type: s.streakType,
          currentCount: s.currentCount,
          longestCount: s.longestCount,
          lastActivityDate: String(s.lastActivityDate),
        }));
      const streaks = mergeStreaks(await active(survivorId), await active(absorbedId));
      if (streaks.end.length) await em.nativeUpdate(Streak, { id: { $in: streaks.end } }, { isActive: false });
      for (const { id, longestCount } of streaks.longest) await em.nativeUpdate(Streak, { id }, { longestCount });
      counts.streaks = await em.nativeUpdate(Streak, { user: absorbedId }, { user: survivorId });

      // Counters the achievements are evaluated from: summed.
      const stats = await em.find(UserStats, { userId: { $in: [survivorId, absorbedId] } });
      const merged = mergeCounters(stats.find((s) => s.userId === survivorId) ?? null, stats.find((s) => s.userId === absorbedId) ?? null, categories.merge);
      if (merged) {
        await em.upsert(UserStats, { userId: survivorId, ...merged });
      }

      // Space memberships: the survivor joins the absorbed side's spaces.
      const spaces = (await em.find(SpaceMember, from, { fields: ['spaceId'] })).map((m) => m.spaceId);
      if (spaces.length) {
        await em
          .qb(SpaceMember)
          .insert(spaces.map((spaceId) => ({ spaceId, userId: survivorId })))
          .onConflict(['spaceId', 'userId'])
          .ignore()
          .execute('run');
      }

      // Profile: the survivor's settings; leaderboard only if both sides opted in; the larger freeze bank.
      const profiles = await em.find(UserProfile, { user: { $in: [survivorId, absorbedId] } });
      const kept = profiles.find((p) => p.user.id === survivorId);
      const other = profiles.find((p) => p.user.id === absorbedId);
      if (kept && other) {
        await em.nativeUpdate(
          UserProfile,
          { id: kept.id },
          { leaderboardOptIn: kept.leaderboardOptIn && other.leaderboardOptIn, streakFreezes: Math.max(kept.streakFreezes, other.streakFreezes) },
        );
      }

      // Any other table that keeps rows per user (one added after this code) moves too, rather than cascading away.
      counts.other_rows = await moveRemainingRows(em, absorbedId, survivorId);

      // One XP total from the summed ledgers; the absorbed user goes (its profile, stats and memberships cascade).
      const experiencePoints = survivor.experiencePoints + absorbed.experiencePoints;
      const level = levelForXp(experiencePoints);
      const email = survivor.email ?? absorbed.email ?? null;
      await em.nativeDelete(User, { id: absorbedId });
      await em.nativeUpdate(
        User,
        { id: survivorId },
        { experiencePoints, level, questCounter: offset + absorbed.questCounter, email, lastLoginAt: latest(survivor.lastLoginAt, absorbed.lastLoginAt) },
      );
      const quests = await em.count(Quest, to);
      await em.insert(PrivacyAudit, { action: 'link', counts });
      return {
        survivorId,
        absorbedId,
        offset,
        movedRange: moved.length ? { from: moved[0]!.number, to: moved.at(-1)!.number } : null,
        experiencePoints,
        level,
        quests,
        spaceIds: spaces,
        counts,
      };
    });
  }
}

async function names(em: EntityManager, entity: typeof Category | typeof Project | typeof Tag, userId: string): Promise<Array<{ id: string; name: string }>> {
  const rows = await em.find(entity as typeof Tag, { userId }, { fields: ['id', 'name'] });
  return rows.map((r) => ({ id: r.id, name: r.name }));
}

async function achievementRows(em: EntityManager, userId: string) {
  const rows = await em.find(UserAchievement, { userId }, { fields: ['id', 'achievement', 'unlockedAt'] });
  return rows.map((r) => ({ id: r.id, achievementId: r.achievement.id, unlockedAt: r.unlockedAt ?? null }));
}

/** The ledger remembers each completion's category id (undo decrements it): point it at the merged category. */
async function remapLedgerCategory(em: EntityManager, userId: string, gone: string, kept: string): Promise<void> {
  // raw: a jsonb field update inside `details`, which the entity API cannot address.
  await em.execute(
    `update experience_events set details = jsonb_set(details, '{categoryId}', to_jsonb(?::text)) where user_id = ? and details->>'categoryId' = ?`,
    [kept, userId, gone],
  );
}

/** Tables whose absorbed rows are meant to go with the absorbed user: merged into the survivor's above, or its own (profile, counters). */
const DROPPED_WITH_ABSORBED = new Set(['users', 'user_profiles', 'user_stats', 'space_members', 'user_achievements', 'notification_preferences']);

/**
 * Moves the absorbed user's rows in every table with a foreign key to `users`
 * that the merge does not treat itself (e.g. a search index kept by triggers),
 * so nothing is lost to the cascade when the absorbed user is deleted. A table
 * whose unique keys forbid the move makes the whole merge fail and roll back.
 */
async function moveRemainingRows(em: EntityManager, absorbedId: string, survivorId: string): Promise<number> {
  // raw: the foreign keys come from the catalog, so tables added later are covered without a change here.
  const references = await em.execute<{ table: string; column: string }[]>(
    `select cl.relname as "table", a.attname as "column"
     from pg_constraint c
     join pg_class cl on cl.oid = c.conrelid
     join pg_namespace n on n.oid = cl.relnamespace
     join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
     where c.contype = 'f' and c.confrelid = 'users'::regclass and n.nspname = current_schema() and not cl.relispartition
     order by 1, 2`,
  );
  let moved = 0;
  for (const { table, column } of references) {
    if (DROPPED_WITH_ABSORBED.has(table)) continue;
    // raw: identifiers from the catalog, quoted; values as parameters.
    const result = await em.execute(
      `update "${table.replace(/"/g, '""')}" set "${column.replace(/"/g, '""')}" = ? where "${column.replace(/"/g, '""')}" = ?`,
      [survivorId, absorbedId],
      'run',
    );
    moved += (result as { affectedRows?: number }).affectedRows ?? 0;
  }
  return moved;
}

function latest(a: Date | null | undefined, b: Date | null | undefined): Date | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a > b ? a : b;
}
