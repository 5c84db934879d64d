import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { escapeMarkdown as md } from '../../core/markdown.js';
import type { Message } from '../../core/messages.js';
import type { DependencyType, Difficulty, Priority, QuestStatus } from '../columns.js';
import { questXp } from '../progression/progression.rules.js';
import { categoryMessages } from '../category/category.messages.js';
import { projectMessages } from '../project/project.messages.js';
import { uniqueNames } from '../tag/tag.rules.js';
import type { CompletedQuest, CompletionHook, CompletionRewards } from './completion.js';
import { questMessages } from './quest.messages.js';
import type { DueWindow, UserClock } from './due.rules.js';
import { RecurrenceRepository } from './recurrence.repository.js';
import { nextAfterCompletion, planSeries, type RepeatSpec } from './recurrence.rules.js';
import { QuestRepository, type Blocker, type QuestDetail, type QuestFilter, type QuestRow, type QuestSummary } from './quest.repository.js';
import { canMove, OPEN_STATUSES, parseQuestNumber, refusalReason, statusLabel, unarchivedStatus, type QuestKey } from './quest.rules.js';
import { recurrenceMessages } from './recurrence.messages.js';

export type { QuestDetail, QuestRow, QuestSummary } from './quest.repository.js';

export interface CreateQuestInput {
  title: string;
  description?: string;
  difficulty: Difficulty;
  priority: Priority;
  estimatedDuration: number;
  category?: string;
  project?: string;
  tags?: string[];
  status?: 'ACTIVE' | 'DRAFT';
  dueAt?: Date | null;
  /** Makes it the first occurrence of a recurring series. */
  repeat?: RepeatInput;
}

/** A `repeat:` rule as read, with the user's clock and the moment it was given. */
export interface RepeatInput {
  spec: RepeatSpec;
  clock: UserClock;
  now: Date;
}

/** `undefined` keeps a value; `null` clears description, category or project. */
export interface EditQuestInput {
  title?: string;
  description?: string | null;
  difficulty?: Difficulty;
  priority?: Priority;
  estimatedDuration?: number;
  category?: string | null;
  project?: string | null;
  status?: 'ACTIVE' | 'IN_PROGRESS' | 'ARCHIVED';
  /** A new due time, or null to clear it. */
  dueAt?: Date | null;
  /** A new rule from the next occurrence on, or null to stop repeating. */
  repeat?: RepeatInput | null;
}

export interface EditResult {
  quest: QuestDetail;
  /** Names of the options whose value changed, in option order. */
  changes: string[];
}

export interface CompleteQuestInput {
  /** Time actually spent; defaults to the time since the quest was started. */
  minutes?: number;
  difficultyRating?: number;
  satisfaction?: number;
  /** Refuse with `UntickedStepsRefusal` while steps are unticked, so the caller can ask first. */
  askIfStepsUnticked?: boolean;
}

/** Completing was refused because steps are unticked (only when asked to ask first); nothing changed. */
export class UntickedStepsRefusal extends Error {
  constructor(readonly unticked: number) {
    super('steps unticked');
  }
}

export interface CompletionResult {
  quest: CompletedQuest;
  steps: { done: number; total: number };
  ratings: { difficulty: number | null; satisfaction: number | null };
  rewards: CompletionRewards;
  /** The next occurrence a recurring quest's completion created. */
  next?: { number: number; dueAt: Date; timezone: string };
}

export interface DependencyResult {
  quest: QuestDetail;
  prerequisite: { number: number; title: string; status: QuestStatus };
  type: DependencyType;
  /** `retyped` when the dependency existed with another type. */
  outcome: 'added' | 'retyped' | 'removed';
}

export type ListFilter = 'open' | 'all' | QuestStatus;

export interface ListQuestsInput {
  status?: ListFilter;
  category?: string;
  project?: string;
  tag?: string;
  priority?: Priority;
  page?: number;
  /** Only quests due in this window (or without a due date). */
  due?: DueWindow;
  /** Only quests whose search document matches these words (web search syntax). */
  search?: string;
  /** Overdue quests (due before this) sort first. */
  now?: Date;
}

export interface QuestPage {
  quests: QuestSummary[];
  page: number;
  pages: number;
  total: number;
}

export const PAGE_SIZE = 10;

const GROUP_MESSAGES = { category: categoryMessages, project: projectMessages } as const;

/** Quest verbs. Every query is scoped to the acting user: other users' quests are "not found". */
export class QuestService {
  private readonly repo: QuestRepository;

  constructor(
    em: EntityManager,
    private readonly completion: CompletionHook,
  ) {
    this.repo = new QuestRepository(em);
  }

  /**
   * One statement, so atomic without a transaction. When a category or
   * project name is unknown nothing is written and the error names it.
   */
  async createQuest(userId: string, input: CreateQuestInput): Promise<QuestDetail> {
    if (input.repeat) {
      const repeat = input.repeat;
      // The series and its first occurrence: two statements, one transaction.
      const id = await this.repo.transactional(async (quests) => {
        const plan = planSeries(repeat.spec, repeat.clock, input.dueAt ?? null, repeat.now);
        const seriesId = await new RecurrenceRepository(quests.entityManager).insertSeries(userId, plan.rule);
        return (await new QuestService(quests.entityManager, this.completion).insert(userId, { ...input, repeat: undefined, dueAt: plan.first }, seriesId)).id;
      });
      return this.getDetail(userId, id);
    }
    return this.insert(userId, input, null);
  }

  private async insert(userId: string, input: CreateQuestInput, seriesId: string | null): Promise<QuestDetail> {
    const category = input.category?.trim() ?? null;
    const project = input.project?.trim() ?? null;
    const quest = await this.repo.create(userId, {
      title: input.title,
      description: input.description ?? null,
      difficulty: input.difficulty,
      status: input.status ?? 'ACTIVE',
      priority: input.priority,
      estimatedDuration: input.estimatedDuration,
      experiencePoints: questXp(input.difficulty, input.estimatedDuration),
      category,
      project,
      tags: uniqueNames(input.tags ?? []),
      dueAt: input.dueAt ?? null,
      seriesId,
    });
    if (!quest) {
      // Nothing was written: say which name is unknown.
      if (category) await this.groupId(this.repo, 'category', userId, category);
      if (project) await this.groupId(this.repo, 'project', userId, project);
      throw new NotFoundError(questMessages.not_created());
    }
    return quest;
  }

  async listQuests(userId: string, input: ListQuestsInput): Promise<QuestPage> {
    const filter: QuestFilter = {
      status: input.status ?? 'open',
      priority: input.priority,
      tag: input.tag,
      due: input.due,
      search: input.search,
      now: input.now,
    };
    if (input.category) filter.categoryId = await this.groupId(this.repo, 'category', userId, input.category);
    if (input.project) filter.projectId = await this.groupId(this.repo, 'project', userId, input.project);
    const page = Math.max(1, input.page ?? 1);
    const { quests, total } = await this.repo.page(userId, filter, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (page > pages) throw new ValidationError(questMessages.page_range({ pages }), { field: 'page' });
    return { quests, page, pages, total };
  }

  /** Resolves `12`, `#12` or a unique title fragment to one of the user's quests. */
  async resolveQuest(userId: string, ref: string): Promise<QuestRow> {
    const number = parseQuestNumber(ref);
    if (number !== null) {
      const quest = await this.repo.find(userId, { number });
      if (!quest) throw new NotFoundError(questMessages.not_found({ number }));
      return quest;
    }
    const fragment = ref.trim();
    const rows = await this.repo.searchByTitle(userId, fragment, 6);
    if (!rows.length) throw new NotFoundError(questMessages.no_match({ fragment }));
    const exact = rows.filter((r) => r.title.toLowerCase() === fragment.toLowerCase());
    if (exact.length === 1 || rows.length === 1) return exact[0] ?? rows[0]!;
    const open = rows.filter((r) => r.status !== 'COMPLETED' && r.status !== 'ARCHIVED');
    if (open.length === 1 && exact.length === 0) return open[0]!;
    throw new ConflictError(questMessages.ambiguous({ fragment, shown: rows.slice(0, 5).map((r) => `#${r.number} ${r.title}`), more: rows.length > 5 }));
  }

  /** How to find `ref`: a number names the quest directly (no query); a title fragment is resolved to its id first. */
  async questKey(userId: string, ref: string): Promise<{ key: QuestKey; missing: Message }> {
    const number = parseQuestNumber(ref);
    if (number !== null) return { key: { number }, missing: questMessages.not_found({ number }) };
    return { key: { id: (await this.resolveQuest(userId, ref)).id }, missing: questMessages.gone() };
  }

  async getDetail(userId: string, questId: string): Promise<QuestDetail> {
    const quest = await this.repo.detail(userId, { id: questId });
    if (!quest) throw new NotFoundError(questMessages.gone());
    return quest;
  }

  async viewQuest(userId: string, ref: string): Promise<QuestDetail> {
    const number = parseQuestNumber(ref);
    if (number === null) return this.getDetail(userId, (await this.resolveQuest(userId, ref)).id);
    const quest = await this.repo.detail(userId, { number });
    if (!quest) throw new NotFoundError(questMessages.not_found({ number }));
    return quest;
  }

  /** Changes any of a quest's fields and optionally its status, in one transaction. */
  async editQuest(userId: string, ref: string, input: EditQuestInput, now: Date): Promise<EditResult> {
    const fields = Object.entries(input).filter(([, value]) => value !== undefined);
    if (!fields.length) throw new ValidationError(questMessages.nothing_to_change());
    const { key, missing } = await this.questKey(userId, ref);
    const { id, changes } = await this.repo.transactional(async (quests) => {
      const quest = await quests.find(userId, key, { lock: true });
      if (!quest) throw new NotFoundError(missing);
      const id = quest.id;
      const next = {
        title: input.title ?? quest.title,
        description: input.description === undefined ? quest.description : input.description,
        difficulty: input.difficulty ?? quest.difficulty,
        priority: input.priority ?? quest.priority,
        estimatedDuration: input.estimatedDuration ?? quest.estimatedDuration,
        categoryId: await this.clearable(quests, 'category', userId, input.category, quest.categoryId),
        projectId: await this.clearable(quests, 'project', userId, input.project, quest.projectId),
        dueAt: input.dueAt === undefined ? quest.dueAt : input.dueAt,
      };
      // A new rule applies from the next occurrence: this one keeps its due time (or gets the first one).
      if (input.repeat !== undefined) {
        const series = new RecurrenceRepository(quests.entityManager);
        if (input.repeat === null) {
          if (quest.seriesId) await series.deleteSeries(userId, quest.seriesId);
        } else {
          if (!OPEN_STATUSES.includes(quest.status)) {
            throw new ConflictError(recurrenceMessages.not_open({ quest: questLabel(quest), status: statusLabel(quest.status) }));
          }
          const plan = planSeries(input.repeat.spec, input.repeat.clock, next.dueAt, input.repeat.now);
          if (quest.seriesId) await series.updateSeries(userId, quest.seriesId, plan.rule);
          else await series.attach(userId, id, await series.insertSeries(userId, plan.rule));
          next.dueAt = plan.first;
        }
      }
      const changes = (
        [
          ['title', next.title !== quest.title],
          ['description', next.description !== quest.description],
          ['difficulty', next.difficulty !== quest.difficulty],
          ['priority', next.priority !== quest.priority],
          ['estimate', next.estimatedDuration !== quest.estimatedDuration],
          ['category', next.categoryId !== quest.categoryId],
          ['project', next.projectId !== quest.projectId],
          ['due', next.dueAt?.getTime() !== quest.dueAt?.getTime()],
          ['repeat', input.repeat !== undefined && (input.repeat !== null || quest.seriesId !== null)],
        ] as const
      )
        .filter(([, changed]) => changed)
        .map(([name]) => name as string);
      if (changes.some((c) => c !== 'repeat')) {
        // XP follows difficulty and estimate until the quest is completed; after that it is history.
        const experiencePoints = quest.completedAt ? quest.experiencePoints : questXp(next.difficulty, next.estimatedDuration);
        await quests.updateFields(userId, id, { ...next, experiencePoints });
      }
      let status: { from: QuestStatus; to: QuestStatus } | undefined;
      if (input.status && input.status !== quest.status) {
        status = {
          from: quest.status,
          to: await this.moveStatus(quests, userId, quest, input.status, now, `set ${questLabel(quest)} to ${statusLabel(input.status)}`),
        };
        changes.push('status');
      }
      if (changes.length) await quests.logAction({ userId, actionType: 'quest_edited', actionData: { questId: id, number: quest.number, changes, status } });
      return { id, changes };
    });
    return { quest: await this.getDetail(userId, id), changes };
  }

  /** DRAFT or ACTIVE -> IN_PROGRESS, unless an unfinished sequential prerequisite holds it back. */
  async startQuest(userId: string, ref: string, now: Date): Promise<QuestDetail> {
    return this.changeStatus(userId, ref, now, { to: 'IN_PROGRESS', verb: 'start', action: 'quest_started' });
  }

  async archiveQuest(userId: string, ref: string, now: Date): Promise<QuestDetail> {
    return this.changeStatus(userId, ref, now, { to: 'ARCHIVED', verb: 'archive', action: 'quest_archived' });
  }

  /** ARCHIVED -> ACTIVE (or back to COMPLETED when it had been completed). */
  async unarchiveQuest(userId: string, ref: string, now: Date): Promise<QuestDetail> {
    return this.changeStatus(userId, ref, now, { to: 'ACTIVE', verb: 'unarchive', action: 'quest_unarchived', onlyFrom: 'ARCHIVED' });
  }

  /**
   * Completes a quest exactly once: a conditional status update, and only when it
   * changed a row the analytics, the behavior log and the completion hook
   * (gamification), all in one transaction.
   */
  async completeQuest(userId: string, ref: string, input: CompleteQuestInput, now: Date): Promise<CompletionResult> {
    const { key, missing } = await this.questKey(userId, ref);
    const ratings = { difficulty: input.difficultyRating ?? null, satisfaction: input.satisfaction ?? null };
    return this.repo.transactional(async (quests) => {
      const stepsMustBeDone = input.askIfStepsUnticked ?? false;
      const completed = await quests.complete(userId, key, { now, minutes: input.minutes ?? null, ratings, stepsMustBeDone });
      if (!completed) throw await this.explainRefusal(quests, userId, key, missing, 'COMPLETED', 'complete', stepsMustBeDone);
      const { done, total, seriesId, dueAt, ...quest } = completed;
      // Inside the transaction only its EntityManager may be used: embedded mode has one connection.
      const rewards = await this.completion.onQuestCompleted(quests.entityManager, quest, now);
      // A recurring quest's next occurrence comes with its completion, in the same transaction.
      const next = seriesId ? await nextOccurrence(quests.entityManager, userId, seriesId, quest.id, dueAt, now) : undefined;
      return { quest, steps: { done, total }, ratings, rewards, ...(next ? { next } : {}) };
    });
  }

  /** Deletes a quest with its steps, tags, dependencies and analytics (cascades). */
  async deleteQuest(userId: string, ref: string): Promise<{ number: number; title: string }> {
    const { key, missing } = await this.questKey(userId, ref);
    return this.repo.transactional(async (quests) => {
      const deleted = await quests.find(userId, key, { lock: true });
      if (!deleted) throw new NotFoundError(missing);
      await quests.delete(userId, deleted.id);
      await quests.logAction({ userId, actionType: 'quest_deleted', actionData: { questId: deleted.id, number: deleted.number, title: deleted.title } });
      return { number: deleted.number, title: deleted.title };
    });
  }

  /**
   * Makes `ref` wait for `onRef`. Self-dependencies and cycles are refused; the
   * cycle check runs under a lock on the user's row, so two concurrent inserts
   * cannot close a loop between them.
   */
  async addDependency(userId: string, ref: string, onRef: string, type: DependencyType): Promise<DependencyResult> {
    const quest = await this.resolveQuest(userId, ref);
    const prerequisite = await this.resolveQuest(userId, onRef);
    if (quest.id === prerequisite.id) throw new ValidationError(questMessages.self_dependency({ quest: questLabel(quest) }), { field: 'on' });
    const outcome = await this.repo.transactional(async (quests) => {
      await quests.lockUser(userId);
      const path = await quests.dependencyPath(prerequisite.id, quest.id);
      if (path) {
        throw new ConflictError(
          questMessages.dependency_loop({
            quest: questLabel(quest),
            prerequisite: questLabel(prerequisite),
            questNumber: quest.number,
            prerequisiteNumber: prerequisite.number,
            path,
          }),
        );
      }
      const existing = await quests.dependencyType(quest.id, prerequisite.id);
      if (existing === type) throw new ConflictError(questMessages.already_waits({ quest: questLabel(quest), prerequisite: questLabel(prerequisite), type }));
      if (existing) await quests.retypeDependency(quest.id, prerequisite.id, type);
      else await quests.addDependency(quest.id, prerequisite.id, type);
      const outcome = existing ? 'retyped' : 'added';
      await quests.logAction({
        userId,
        actionType: 'quest_dependency_added',
        actionData: { questId: quest.id, prerequisiteId: prerequisite.id, type, outcome },
      });
      return outcome;
    });
    return { quest: await this.getDetail(userId, quest.id), prerequisite, type, outcome };
  }

  async removeDependency(userId: string, ref: string, onRef: string): Promise<DependencyResult> {
    const quest = await this.resolveQuest(userId, ref);
    const prerequisite = await this.resolveQuest(userId, onRef);
    const type = await this.repo.transactional(async (quests) => {
      const removed = await quests.dependencyType(quest.id, prerequisite.id, { lock: true });
      if (removed) await quests.removeDependency(quest.id, prerequisite.id);
      if (!removed) throw new NotFoundError(questMessages.does_not_wait({ quest: questLabel(quest), prerequisite: questLabel(prerequisite) }));
      await quests.logAction({
        userId,
        actionType: 'quest_dependency_removed',
        actionData: { questId: quest.id, prerequisiteId: prerequisite.id, type: removed },
      });
      return removed;
    });
    return { quest: await this.getDetail(userId, quest.id), prerequisite, type, outcome: 'removed' };
  }

  /** One status move of a subcommand, logged as `action`; `onlyFrom` narrows the rules' sources (unarchive). */
  private async changeStatus(
    userId: string,
    ref: string,
    now: Date,
    move: { to: QuestStatus; verb: string; action: string; onlyFrom?: QuestStatus },
  ): Promise<QuestDetail> {
    const { key, missing } = await this.questKey(userId, ref);
    const id = await this.repo.transactional(async (quests) => {
      const quest = await quests.find(userId, key, { lock: true });
      if (!quest) throw new NotFoundError(missing);
      if (move.onlyFrom && quest.status !== move.onlyFrom) {
        throw new ConflictError(
          questMessages.not_in_status({ quest: questLabel(quest), expected: statusLabel(move.onlyFrom), actual: statusLabel(quest.status) }),
        );
      }
      const status = await this.moveStatus(quests, userId, quest, move.to, now, `${move.verb} ${questLabel(quest)}`);
      await quests.logAction({ userId, actionType: move.action, actionData: { questId: quest.id, number: quest.number, from: quest.status, to: status } });
      return quest.id;
    });
    return this.getDetail(userId, id);
  }

  /** Applies one status move to a locked quest; `attempt` words the refusal ("start #3 Buy paint"). */
  private async moveStatus(quests: QuestRepository, userId: string, quest: QuestRow, to: QuestStatus, now: Date, attempt: string): Promise<QuestStatus> {
    if (!canMove(quest.status, to)) throw new ConflictError(questMessages.move_refused({ attempt, reason: refusalReason(quest.status, to) }));
    const target = quest.status === 'ARCHIVED' && to === 'ACTIVE' ? unarchivedStatus(quest.completedAt) : to;
    if (target === 'IN_PROGRESS') {
      const blockers = await quests.blockers(quest.id);
      if (blockers.length) throw new ConflictError(blockedMessage(attempt, blockers));
    }
    if (quest.seriesId && OPEN_STATUSES.includes(target) && !OPEN_STATUSES.includes(quest.status)) {
      // Back from the archive while its series has moved on to another open occurrence: it leaves the series.
      const series = new RecurrenceRepository(quests.entityManager);
      if (await series.openOccurrence(quest.seriesId, quest.id)) await series.attach(userId, quest.id, null);
    }
    await quests.setStatus(userId, quest.id, target, target === 'IN_PROGRESS' ? now : undefined);
    return target;
  }

  /** Why a conditional move changed no row, re-read inside the same transaction. */
  private async explainRefusal(
    quests: QuestRepository,
    userId: string,
    key: QuestKey,
    missing: Message,
    to: QuestStatus,
    verb: string,
    stepsMustBeDone = false,
  ): Promise<Error> {
    const quest = await quests.find(userId, key);
    if (!quest) return new NotFoundError(missing);
    const attempt = `${verb} ${questLabel(quest)}`;
    if (!canMove(quest.status, to)) return new ConflictError(questMessages.move_refused({ attempt, reason: refusalReason(quest.status, to) }));
    const blockers = await quests.blockers(quest.id);
    if (blockers.length) return new ConflictError(blockedMessage(attempt, blockers));
    const unticked = stepsMustBeDone ? await quests.untickedSteps(quest.id) : 0;
    if (unticked) return new UntickedStepsRefusal(unticked);
    return new ConflictError(questMessages.changed_meanwhile({ quest: questLabel(quest) }));
  }

  /** The user's quests matching a partial number or title, for autocomplete (at most 25). */
  async suggestQuests(userId: string, partial: string, limit = 25): Promise<Array<{ number: number; title: string; status: QuestStatus }>> {
    const text = partial.trim().replace(/^#/, '');
    if (/^\d+$/.test(text)) return this.repo.suggestByNumber(userId, text, limit);
    return this.repo.suggestByTitle(userId, text, limit);
  }

  /** `undefined` keeps `current`, `null` clears it, a name is looked up among the user's own. */
  private async clearable(quests: QuestRepository, kind: 'category' | 'project', userId: string, name: string | null | undefined, current: string | null) {
    if (name === undefined) return current;
    if (name === null) return null;
    return this.groupId(quests, kind, userId, name);
  }

  /** The user's category or project named `name` (ignoring case), or the error naming it. */
  private async groupId(quests: QuestRepository, kind: 'category' | 'project', userId: string, name: string): Promise<string> {
    const id = await quests.groupId(kind, userId, name.trim());
    if (!id) throw new NotFoundError(GROUP_MESSAGES[kind].not_found({ name: name.trim() }));
    return id;
  }
}

/**
 * Creates the occurrence after `templateId` (unless the series is paused or has
 * ended), due at the rule's next date after the later of its due time and now.
 */
export async function nextOccurrence(
  tx: EntityManager,
  userId: string,
  seriesId: string,
  templateId: string,
  dueAt: Date | null,
  now: Date,
): Promise<{ number: number; dueAt: Date; timezone: string } | undefined> {
  const repository = new RecurrenceRepository(tx);
  const series = await repository.series(userId, seriesId);
  if (!series || series.paused) return undefined;
  const at = nextAfterCompletion(series, dueAt, now);
  if (!at) return undefined;
  const created = await repository.spawn(userId, seriesId, templateId, at);
  return created ? { number: created.number, dueAt: at, timezone: series.timezone } : undefined;
}

/** `#3 Buy paint`, escaped for markdown. */
function questLabel(quest: { number: number; title: string }): string {
  return `#${quest.number} ${md(quest.title)}`;
}

function blockedMessage(attempt: string, blockers: Blocker[]) {
  return questMessages.blocked({ attempt, blockers: blockers.map(questLabel) });
}
