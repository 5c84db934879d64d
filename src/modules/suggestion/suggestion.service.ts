import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import type { LimitHit, SuggestionEngine } from '../../ai/engine.js';
import { breakdownSteps, estimateQuest } from '../../ai/offline-suggester.js';
import type { Calibration, NextCandidate, QuestFacts, SuggestionSource } from '../../ai/suggester.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Message } from '../../core/messages.js';
import type { Difficulty, Priority } from '../columns.js';
import type { QuestDetail, QuestService } from '../quest/quest.service.js';
import type { StepService } from '../step/step.service.js';
import { daysBetween, userDay } from '../streak/streak.rules.js';
import { suggestionMessages as m } from './suggestion.messages.js';
import type { StoredSuggestion, SuggestionRepository, SuggestionType } from './suggestion.repository.js';
import { acceptableDue, acceptableEstimate, acceptableSteps, acceptableTitle, calibrate, calibrationNote, expiresAt, isExpired } from './suggestion.rules.js';

export interface BreakdownData {
  questNumber: number;
  questTitle: string;
  steps: string[];
}
export interface EstimateData {
  questNumber: number;
  questTitle: string;
  minutes: number;
  difficulty: Difficulty;
  reason: string;
  previous: { minutes: number; difficulty: Difficulty };
}
export interface NextData {
  questNumber: number;
  questTitle: string;
  reason: string;
  availableMinutes: number | null;
}
export interface QuestData {
  title: string;
  dueAt: string | null;
  priority: Priority;
  difficulty: Difficulty;
  estimateMinutes: number;
  /** Whether the estimate came from the sentence or was estimated. */
  estimateGiven: boolean;
}

interface Common {
  id: string;
  confidence: number | null;
  expiresAt: Date;
  source: SuggestionSource;
  /** What calibration says about this user ("you usually take 1.4x …"), when known. */
  note: string | null;
  /** Why the model was skipped because of a rate limit. */
  limited: Message | null;
  timezone: string;
}

export type SuggestionView =
  | (Common & { type: 'breakdown'; data: BreakdownData })
  | (Common & { type: 'estimate'; data: EstimateData })
  | (Common & { type: 'next'; data: NextData })
  | (Common & { type: 'quest'; data: QuestData });

export type Decision =
  | { type: 'breakdown'; accepted: true; questNumber: number; added: string[] }
  | { type: 'estimate'; accepted: true; quest: QuestDetail }
  | { type: 'next'; accepted: true; quest: QuestDetail }
  | { type: 'quest'; accepted: true; quest: QuestDetail }
  | { type: SuggestionType; accepted: false };

/** Quest and step verbs bound to a transaction's EntityManager, so accepting commits as one. */
export type WithinTransaction = (tx: EntityManager) => { quests: QuestService; steps: StepService };

const COMMAND: Record<SuggestionType, string> = {
  breakdown: '/suggest breakdown',
  estimate: '/suggest estimate',
  next: '/suggest next',
  quest: '/quest create text:…',
};

/**
 * AI suggestions: asks the engine (model or offline) with the user's own
 * calibration, checks the answer like typed input, stores it for a week, and
 * applies it on Accept in one transaction through the quest and step verbs.
 */
export class SuggestionService {
  constructor(
    private readonly repo: SuggestionRepository,
    private readonly engine: SuggestionEngine,
    private readonly quests: QuestService,
    private readonly within: WithinTransaction,
  ) {}

  async breakdown(userId: string, ref: string, now: Date): Promise<SuggestionView> {
    // Independent reads at once (on embedded PGlite's single connection they simply queue).
    const [quest, { calibration, timezone }] = await Promise.all([this.openQuest(userId, ref), this.context(userId)]);
    const facts = questFacts(quest);
    const existing = quest.steps.map((s) => s.title);
    const input = { quest: facts, existingSteps: existing, calibration };
    const answer = await this.engine.suggest('breakdown', userId, input);
    const steps = acceptableSteps(answer.value.steps, existing, breakdownSteps({ ...input, existingSteps: [...existing, ...answer.value.steps] }));
    const data: BreakdownData = { questNumber: quest.number, questTitle: quest.title, steps };
    return this.store(userId, quest.id, 'breakdown', data, null, answer, calibrationNote(calibration, facts), now, timezone);
  }

  async estimate(userId: string, ref: string, now: Date): Promise<SuggestionView> {
    const [quest, { calibration, timezone }] = await Promise.all([this.openQuest(userId, ref), this.context(userId)]);
    const facts = questFacts(quest);
    const input = { quest: facts, steps: quest.steps.map((s) => s.title), calibration };
    const answer = await this.engine.suggest('estimate', userId, input);
    // The same bounds as `estimate:` typed by hand; an answer outside them is replaced by the offline estimate.
    const value = acceptableEstimate(answer.value.minutes) ? answer.value : estimateQuest(input);
    const data: EstimateData = {
      questNumber: quest.number,
      questTitle: quest.title,
      minutes: acceptableEstimate(value.minutes)!,
      difficulty: value.difficulty,
      reason: value.reason,
      previous: { minutes: quest.estimatedDuration, difficulty: quest.difficulty },
    };
    return this.store(userId, quest.id, 'estimate', data, value.confidence, answer, calibrationNote(calibration, facts), now, timezone);
  }

  async next(userId: string, availableMinutes: number | undefined, now: Date): Promise<SuggestionView> {
    const [open, { calibration, timezone, dayStartHour }, streak] = await Promise.all([
      this.repo.openQuests(userId),
      this.context(userId),
      this.repo.dailyStreak(userId),
    ]);
    if (!open.length) throw new NotFoundError(m.no_open_quests());
    const ready = open.filter((q) => !q.blockedBy.length);
    if (!ready.length) throw new ConflictError(m.all_blocked());
    const today = userDay(now, timezone, dayStartHour);
    const gap = streak ? daysBetween(streak.lastActivity, today) : Infinity;
    const candidates: NextCandidate[] = open.map((q) => ({
      ...questFacts({ ...q, category: q.category ? { name: q.category } : null }),
      dueAt: q.dueAt ? q.dueAt.toISOString() : null,
      blockedBy: q.blockedBy,
      stepsDone: q.stepsDone,
      stepsTotal: q.stepsTotal,
    }));
    const input = {
      candidates,
      availableMinutes: availableMinutes ?? null,
      now: now.toISOString(),
      localHour: DateTime.fromJSDate(now, { zone: timezone }).hour,
      streak: { days: gap <= 1 ? streak!.days : 0, completedToday: gap === 0 },
      calibration,
    };
    let answer = await this.engine.suggest('next', userId, input);
    let pick = ready.find((q) => q.number === answer.value.questNumber);
    if (!pick) {
      // A number that is not a ready candidate is an invalid answer: the offline scorer decides.
      answer = { value: await this.engine.offline.next(input), source: { kind: 'offline', because: 'invalid' }, limit: answer.limit };
      pick = ready.find((q) => q.number === answer.value.questNumber)!;
    }
    const data: NextData = { questNumber: pick.number, questTitle: pick.title, reason: answer.value.reason, availableMinutes: availableMinutes ?? null };
    const note = calibrationNote(calibration, { difficulty: pick.difficulty, category: pick.category });
    return this.store(userId, pick.id, 'next', data, answer.value.confidence, answer, note, now, timezone);
  }

  /** `/quest create text:"call the dentist tomorrow morning, high priority, 15m"`: what was understood, saved on Accept. */
  async parseQuest(userId: string, text: string, now: Date): Promise<SuggestionView> {
    const { calibration, timezone } = await this.context(userId);
    const answer = await this.engine.suggest('parseQuest', userId, { text, now: now.toISOString(), timezone });
    let value = answer.value;
    let source = answer.source;
    const title = acceptableTitle(value.title);
    if (!title) {
      value = await this.engine.offline.parseQuest({ text, now: now.toISOString(), timezone });
      source = { kind: 'offline', because: 'invalid' };
    }
    const given = acceptableEstimate(value.estimateMinutes);
    const facts: QuestFacts = {
      number: 0,
      title: acceptableTitle(value.title) ?? text.slice(0, 255),
      description: null,
      difficulty: value.difficulty,
      priority: value.priority,
      estimatedMinutes: given ?? 30,
      category: null,
      status: 'DRAFT',
    };
    const estimated = given ?? estimateQuest({ quest: facts, steps: [], calibration }).minutes;
    const data: QuestData = {
      title: facts.title,
      dueAt: acceptableDue(value.dueAt, now)?.toISOString() ?? null,
      priority: value.priority,
      difficulty: value.difficulty,
      estimateMinutes: estimated,
      estimateGiven: given !== undefined,
    };
    const note = given === undefined ? calibrationNote(calibration, { difficulty: value.difficulty, category: null }) : null;
    return this.store(userId, null, 'quest', data, null, { source, limit: answer.limit }, note, now, timezone);
  }

  /** Applies a suggestion in one transaction and marks it accepted. */
  async accept(userId: string, id: string, now: Date): Promise<Decision> {
    const decided = await this.repo.decide(
      userId,
      id,
      true,
      (s) => this.checkPending(s, now),
      async (tx, suggestion) => {
        const { quests, steps } = this.within(tx);
        switch (suggestion.type) {
          case 'breakdown': {
            const data = suggestion.data as unknown as BreakdownData;
            const ref = await this.questRef(quests, userId, suggestion);
            const current = await steps.listSteps(userId, ref);
            const added = acceptableSteps(
              data.steps,
              current.steps.map((s) => s.title),
            );
            if (!added.length) throw new ConflictError(m.nothing_new({ number: current.number }));
            for (const title of added) await steps.addStep(userId, ref, title);
            return { type: 'breakdown', accepted: true, questNumber: current.number, added } as const;
          }
          case 'estimate': {
            const data = suggestion.data as unknown as EstimateData;
            const ref = await this.questRef(quests, userId, suggestion);
            const { quest } = await quests.editQuest(userId, ref, { estimatedDuration: data.minutes, difficulty: data.difficulty }, now);
            return { type: 'estimate', accepted: true, quest } as const;
          }
          case 'next': {
            const ref = await this.questRef(quests, userId, suggestion);
            const quest = await quests.viewQuest(userId, ref);
            return { type: 'next', accepted: true, quest: quest.status === 'IN_PROGRESS' ? quest : await quests.startQuest(userId, ref, now) } as const;
          }
          case 'quest': {
            const data = suggestion.data as unknown as QuestData;
            // `dueAt` is passed along for the quests-in-time work; until it lands, createQuest ignores it.
            const input = {
              title: data.title,
              difficulty: data.difficulty,
              priority: data.priority,
              estimatedDuration: data.estimateMinutes,
              dueAt: data.dueAt ? new Date(data.dueAt) : undefined,
            };
            return { type: 'quest', accepted: true, quest: await quests.createQuest(userId, input) } as const;
          }
        }
      },
    );
    if (!decided) throw new NotFoundError(m.not_found());
    return decided.result;
  }

  async dismiss(userId: string, id: string, now: Date): Promise<Decision> {
    const decided = await this.repo.decide(
      userId,
      id,
      false,
      (s) => this.checkPending(s, now),
      async (_tx, s) => ({ type: s.type, accepted: false }) as const,
    );
    if (!decided) throw new NotFoundError(m.not_found());
    return decided.result;
  }

  acceptance(userId: string) {
    return this.repo.acceptance(userId);
  }

  private checkPending(suggestion: StoredSuggestion, now: Date): void {
    if (suggestion.wasAccepted === true) throw new ConflictError(m.already_accepted());
    if (suggestion.wasAccepted === false) throw new ConflictError(m.already_dismissed());
    if (isExpired(suggestion.expiresAt, now))
      throw new ConflictError(m.expired({ type: suggestion.type === 'quest' ? 'new-quest' : suggestion.type, command: COMMAND[suggestion.type] }));
  }

  /** The quest's current number (quests keep their number; the id is the truth). */
  private async questRef(quests: QuestService, userId: string, suggestion: StoredSuggestion): Promise<string> {
    if (!suggestion.questId) throw new NotFoundError(m.quest_gone());
    try {
      return String((await quests.getDetail(userId, suggestion.questId)).number);
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError(m.quest_gone());
      throw error;
    }
  }

  private async openQuest(userId: string, ref: string): Promise<QuestDetail> {
    const quest = await this.quests.viewQuest(userId, ref);
    if (quest.status === 'COMPLETED' || quest.status === 'ARCHIVED')
      throw new ConflictError(m.quest_closed({ number: quest.number, status: quest.status.toLowerCase() }));
    return quest;
  }

  private async context(userId: string): Promise<{ calibration: Calibration; timezone: string; dayStartHour: number }> {
    const [profile, rows] = await Promise.all([this.repo.profile(userId), this.repo.calibrationRows(userId)]);
    return { calibration: calibrate(rows, profile.timezone), ...profile };
  }

  private async store(
    userId: string,
    questId: string | null,
    type: SuggestionType,
    data: BreakdownData | EstimateData | NextData | QuestData,
    confidence: number | null,
    answer: { source: SuggestionSource; limit?: LimitHit },
    note: string | null,
    now: Date,
    timezone: string,
  ): Promise<SuggestionView> {
    const expires = expiresAt(now);
    const stored = await this.repo.insert({
      userId,
      questId,
      type,
      data: data as unknown as Record<string, unknown>,
      confidence: confidence === null ? null : Math.round(Math.min(1, Math.max(0, confidence)) * 100) / 100,
      expiresAt: expires,
      metadata: { source: answer.source.kind, ...(answer.source.kind === 'model' ? { model: answer.source.model } : { because: answer.source.because }) },
    });
    const limited = answer.limit
      ? answer.limit.scope === 'user'
        ? m.rate_limited_user({ limit: answer.limit.limit, minutes: answer.limit.retryInMinutes })
        : m.rate_limited_global({ minutes: answer.limit.retryInMinutes })
      : null;
    return { id: stored.id, type, data, confidence: stored.confidence, expiresAt: expires, source: answer.source, note, limited, timezone } as SuggestionView;
  }
}

function questFacts(
  quest: Pick<QuestDetail, 'number' | 'title' | 'description' | 'difficulty' | 'priority' | 'estimatedDuration' | 'status'> & {
    category: { name: string } | null;
  },
): QuestFacts {
  return {
    number: quest.number,
    title: quest.title,
    description: quest.description,
    difficulty: quest.difficulty,
    priority: quest.priority,
    estimatedMinutes: quest.estimatedDuration,
    category: quest.category?.name ?? null,
    status: quest.status,
  };
}
