import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { logBehavior } from '../analytics/behavior-log.service.js';
import { Category } from '../category/category.entity.js';
import type { Difficulty, Priority, QuestStatus } from '../columns.js';
import { Quest, QuestAnalytics, QuestDependency } from '../quest/quest.entity.js';
import { QuestStep } from '../step/step.entity.js';
import { Streak } from '../streak/streak.entity.js';
import { UserProfile } from '../user/user.entity.js';
import { AiSuggestion, type IAiSuggestion } from './ai-suggestion.entity.js';
import type { CalibrationRow } from './suggestion.rules.js';

export type SuggestionType = 'breakdown' | 'estimate' | 'next' | 'quest';

/** A stored suggestion as the service sees it. */
export interface StoredSuggestion {
  id: string;
  userId: string;
  questId: string | null;
  type: SuggestionType;
  data: Record<string, unknown>;
  confidence: number | null;
  wasAccepted: boolean | null;
  createdAt: Date;
  expiresAt: Date | null;
}

/** An open quest with what `/suggest next` weighs. */
export interface OpenQuest {
  id: string;
  number: number;
  title: string;
  description: string | null;
  difficulty: Difficulty;
  priority: Priority;
  status: QuestStatus;
  estimatedDuration: number;
  category: string | null;
  dueAt: Date | null;
  blockedBy: number[];
  stepsDone: number;
  stepsTotal: number;
}

const OPEN: QuestStatus[] = ['DRAFT', 'ACTIVE', 'IN_PROGRESS'];
/** How far back calibration looks: the latest completions say most about the user now. */
const CALIBRATION_ROWS = 200;
const NEXT_CANDIDATES = 40;

/** Persistence of AI suggestions and the reads that feed the suggesters. */
export class SuggestionRepository {
  constructor(private readonly em: EntityManager) {}

  async insert(input: Omit<StoredSuggestion, 'id' | 'createdAt' | 'wasAccepted'> & { metadata: Record<string, unknown> }): Promise<StoredSuggestion> {
    const row = this.em.create(AiSuggestion, {
      userId: input.userId,
      questId: input.questId,
      suggestionType: input.type,
      suggestionData: input.data,
      confidenceScore: input.confidence,
      expiresAt: input.expiresAt,
      wasAccepted: null,
      metadata: input.metadata,
    });
    await this.em.flush();
    return stored(row);
  }

  async find(userId: string, id: string): Promise<StoredSuggestion | null> {
    const row = await this.em.findOne(AiSuggestion, { id, userId });
    return row && stored(row);
  }

  /**
   * Decides a pending suggestion in one transaction: the row is locked, `apply`
   * runs on the transaction's EntityManager (its writes commit with the
   * decision or not at all), then the decision and a behavior log row are written.
   * `check` refuses rows that are already decided or expired (it throws).
   */
  async decide<R>(
    userId: string,
    id: string,
    accepted: boolean,
    check: (suggestion: StoredSuggestion) => void,
    apply: (tx: EntityManager, suggestion: StoredSuggestion) => Promise<R>,
  ): Promise<{ suggestion: StoredSuggestion; result: R } | null> {
    return this.em.transactional(async (tx) => {
      const row = await tx.findOne(AiSuggestion, { id, userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row) return null;
      const suggestion = stored(row);
      check(suggestion);
      const result = await apply(tx, suggestion);
      row.wasAccepted = accepted;
      await tx.flush();
      await logBehavior(tx, userId, accepted ? 'suggestion_accepted' : 'suggestion_dismissed', { suggestionId: id, type: suggestion.type });
      return { suggestion: { ...suggestion, wasAccepted: accepted }, result };
    });
  }

  /** Accepted, dismissed and offered counts per suggestion type. */
  async acceptance(userId: string): Promise<Array<{ type: string; offered: number; accepted: number; dismissed: number }>> {
    const rows = await this.em.find(AiSuggestion, { userId }, { fields: ['suggestionType', 'wasAccepted'] });
    const byType = new Map<string, { type: string; offered: number; accepted: number; dismissed: number }>();
    for (const row of rows) {
      const entry = byType.get(row.suggestionType) ?? { type: row.suggestionType, offered: 0, accepted: 0, dismissed: 0 };
      entry.offered++;
      if (row.wasAccepted === true) entry.accepted++;
      if (row.wasAccepted === false) entry.dismissed++;
      byType.set(row.suggestionType, entry);
    }
    return [...byType.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  /** The user's latest completed quests with time spent: estimate, actual, difficulty, category, completion time. */
  async calibrationRows(userId: string): Promise<CalibrationRow[]> {
    const analytics = await this.em.find(
      QuestAnalytics,
      { userId, timeSpentMinutes: { $gt: 0 } },
      { fields: ['questId', 'timeSpentMinutes', 'createdAt'], orderBy: { createdAt: 'desc' }, limit: CALIBRATION_ROWS },
    );
    if (!analytics.length) return [];
    const quests = await this.em.find(
      Quest,
      { id: { $in: [...new Set(analytics.map((a) => a.questId))] }, userId },
      { fields: ['estimatedDuration', 'difficulty', 'category', 'completedAt'] },
    );
    const names = await this.categoryNames(
      userId,
      quests.map((q) => q.category?.id),
    );
    const byId = new Map(quests.map((q) => [q.id, q]));
    return analytics.flatMap((a) => {
      const quest = byId.get(a.questId);
      if (!quest) return [];
      return [
        {
          estimated: quest.estimatedDuration,
          actual: a.timeSpentMinutes,
          difficulty: quest.difficulty,
          category: quest.category ? (names.get(quest.category.id) ?? null) : null,
          completedAt: quest.completedAt ?? a.createdAt,
        },
      ];
    });
  }

  async profile(userId: string): Promise<{ timezone: string; dayStartHour: number }> {
    const profile = await this.em.findOne(UserProfile, { user: userId }, { fields: ['timezone', 'dayStartHour'] });
    return { timezone: profile?.timezone ?? 'UTC', dayStartHour: profile?.dayStartHour ?? 0 };
  }

  async categoryName(userId: string, categoryId: string | null): Promise<string | null> {
    if (!categoryId) return null;
    return (await this.categoryNames(userId, [categoryId])).get(categoryId) ?? null;
  }

  /** The active daily streak and the date of its last completion (the user's day), if any. */
  async dailyStreak(userId: string): Promise<{ days: number; lastActivity: string } | null> {
    const streak = await this.em.findOne(Streak, { user: userId, streakType: 'daily', isActive: true }, { fields: ['currentCount', 'lastActivityDate'] });
    if (!streak) return null;
    const last = streak.lastActivityDate as unknown;
    return { days: streak.currentCount, lastActivity: last instanceof Date ? last.toISOString().slice(0, 10) : String(last).slice(0, 10) };
  }

  /** Open quests (highest priority first) with their blockers and step counts. */
  async openQuests(userId: string): Promise<OpenQuest[]> {
    const quests = await this.em.find(Quest, { userId, status: { $in: OPEN } }, { orderBy: { number: 'asc' }, limit: 500 });
    const rank: Record<Priority, number> = { URGENT: 0, HIGH: 1, MEDIUM: 2, LOW: 3 };
    // The 40 most pressing by priority, then age: the model gets a short list and the offline scorer the same one.
    const chosen = quests.sort((a, b) => rank[a.priority as Priority] - rank[b.priority as Priority] || a.number - b.number).slice(0, NEXT_CANDIDATES);
    if (!chosen.length) return [];
    const ids = chosen.map((q) => q.id);
    const [dependencies, steps, names] = await Promise.all([
      this.em.find(QuestDependency, { dependent: { $in: ids }, dependencyType: 'sequential' }, { fields: ['dependent', 'prerequisite'] }),
      this.em.find(QuestStep, { quest: { $in: ids } }, { fields: ['quest', 'completed'] }),
      this.categoryNames(
        userId,
        chosen.map((q) => q.category?.id),
      ),
    ]);
    const prerequisites = dependencies.length
      ? await this.em.find(Quest, { id: { $in: dependencies.map((d) => d.prerequisite.id) } }, { fields: ['number', 'status', 'completedAt'] })
      : [];
    const unfinished = new Map(
      prerequisites.filter((p) => p.status !== 'COMPLETED' && !(p.status === 'ARCHIVED' && p.completedAt)).map((p) => [p.id, p.number]),
    );
    return chosen.map((q) => {
      const mine = steps.filter((s) => s.quest.id === q.id);
      // `due_at` arrives with the quests-in-time work; read it when the entity has it.
      const due = (q as { dueAt?: Date | null }).dueAt ?? null;
      return {
        id: q.id,
        number: q.number,
        title: q.title,
        description: q.description ?? null,
        difficulty: q.difficulty,
        priority: q.priority,
        status: q.status,
        estimatedDuration: q.estimatedDuration,
        category: q.category ? (names.get(q.category.id) ?? null) : null,
        dueAt: due,
        blockedBy: dependencies.filter((d) => d.dependent.id === q.id && unfinished.has(d.prerequisite.id)).map((d) => unfinished.get(d.prerequisite.id)!),
        stepsDone: mine.filter((s) => s.completed).length,
        stepsTotal: mine.length,
      };
    });
  }

  private async categoryNames(userId: string, ids: Array<string | null | undefined>): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))];
    if (!wanted.length) return new Map();
    const categories = await this.em.find(Category, { id: { $in: wanted }, userId }, { fields: ['name'] });
    return new Map(categories.map((c) => [c.id, c.name]));
  }
}

function stored(row: IAiSuggestion): StoredSuggestion {
  return {
    id: row.id,
    userId: row.userId,
    questId: row.questId ?? null,
    type: row.suggestionType as SuggestionType,
    data: row.suggestionData,
    confidence: row.confidenceScore ?? null,
    wasAccepted: row.wasAccepted ?? null,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt ?? null,
  };
}
