import { LockMode, raw, sql, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BehaviorLogRepository, type BehaviorEntry } from '../analytics/behavior-log.repository.js';
import { Category } from '../category/category.entity.js';
import type { DependencyType, Difficulty, Priority, QuestStatus } from '../columns.js';
import { Project } from '../project/project.entity.js';
import { escapeLike } from '../shared/like.js';
import { QuestStep } from '../step/step.entity.js';
import { User } from '../user/user.entity.js';
import type { CompletedQuest } from './completion.js';
import { Quest, QuestDependency, type IQuest } from './quest.entity.js';
import {
  BLOCKING_DEPENDENCY,
  FINISHED_STATUSES,
  OPEN_STATUSES,
  PRIORITY_ORDER,
  isUnfinishedPrerequisite,
  movableFrom,
  priorityRank,
  type QuestKey,
} from './quest.rules.js';

/** A quest's own fields, as every quest reply starts from. */
export interface QuestRow {
  id: string;
  number: number;
  title: string;
  description: string | null;
  difficulty: Difficulty;
  status: QuestStatus;
  priority: Priority;
  estimatedDuration: number;
  actualDuration: number | null;
  experiencePoints: number;
  categoryId: string | null;
  projectId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

export interface QuestSummary extends QuestRow {
  stepsDone: number;
  stepsTotal: number;
}

export interface Blocker {
  number: number;
  title: string;
  type: string;
}

export interface QuestDetail extends QuestRow {
  category: { name: string; color: string } | null;
  project: { name: string } | null;
  tags: Array<{ name: string; color: string }>;
  steps: Array<{ id: string; title: string; completed: boolean; orderIndex: number }>;
  blockers: Blocker[];
}

/** What `create` stores: the service has validated and priced it. */
export interface NewQuest {
  title: string;
  description: string | null;
  difficulty: Difficulty;
  status: QuestStatus;
  priority: Priority;
  estimatedDuration: number;
  experiencePoints: number;
  category: string | null;
  project: string | null;
  tags: string[];
}

/** The list filter, resolved: group ids rather than names. */
export interface QuestFilter {
  status: 'open' | 'all' | QuestStatus;
  priority?: Priority;
  categoryId?: string;
  projectId?: string;
  tag?: string;
}

export type QuestFields = Pick<QuestRow, 'title' | 'description' | 'difficulty' | 'priority' | 'estimatedDuration' | 'experiencePoints' | 'categoryId' | 'projectId'>;

const GROUP = { category: Category, project: Project } as const;

/** `case priority when 'URGENT' then 4 ... end`, from the rules' order. */
const PRIORITY_RANK = (alias: string) => `case ${alias}.priority ${PRIORITY_ORDER.map((p) => `when '${p}' then ${priorityRank(p)}`).join(' ')} end`;
const IS_FINISHED = (alias: string) => `${alias}.status in (${FINISHED_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** Quests and their dependencies: the quest feature's only access to the database. */
export class QuestRepository {
  private readonly log: BehaviorLogRepository;

  constructor(private readonly em: EntityManager) {
    this.log = new BehaviorLogRepository(em);
  }

  async transactional<T>(work: (quests: QuestRepository) => Promise<T>): Promise<T> {
    return this.em.transactional((tx) => work(new QuestRepository(tx)));
  }

  /** The EntityManager of this repository's transaction, for the completion hook. */
  get entityManager(): EntityManager {
    return this.em;
  }

  async logAction(entry: BehaviorEntry): Promise<void> {
    await this.log.append(entry);
  }

  /** The id of the user's category or project named `name` (ignoring case). */
  async groupId(kind: 'category' | 'project', userId: string, name: string): Promise<string | null> {
    const group = await this.em.findOne(GROUP[kind] as typeof Category, { userId, [sql.lower('name')]: sql`lower(${name})` }, { fields: ['id'] });
    return group?.id ?? null;
  }

  async find(userId: string, key: QuestKey, options: { lock?: boolean } = {}): Promise<QuestRow | null> {
    const quest = await this.em.findOne(Quest, { userId, ...key }, options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
    return quest && toRow(quest);
  }

  /** Up to `limit` of the user's quests whose title contains `fragment`: exact title first, open before finished, newest first. */
  async searchByTitle(userId: string, fragment: string, limit: number): Promise<QuestRow[]> {
    const quests = await this.em.find(
      Quest,
      { userId, title: { $ilike: `%${escapeLike(fragment)}%` } },
      {
        orderBy: [{ [sql`lower(${sql.ref('title')}) = lower(${fragment})`]: 'desc' }, { [raw(IS_FINISHED)]: 'asc' }, { number: 'desc' }],
        limit,
      },
    );
    return quests.map(toRow);
  }

  /**
   * The quest with its category, project, tags, steps and prerequisites in one
   * joined query; blockers are the prerequisites the rules call unfinished.
   */
  async detail(userId: string, key: QuestKey): Promise<QuestDetail | null> {
    const quest = await this.em.findOne(
      Quest,
      { userId, ...key },
      { populate: ['category', 'project', 'tags', 'steps', 'prerequisites.prerequisite'], strategy: 'joined' },
    );
    if (!quest) return null;
    const category = quest.category?.getEntity();
    const project = quest.project?.getEntity();
    const byName = (a: { name: string }, b: { name: string }) => compare(a.name.toLowerCase(), b.name.toLowerCase());
    return {
      ...toRow(quest),
      category: category ? { name: category.name, color: category.color } : null,
      project: project ? { name: project.name } : null,
      tags: quest.tags
        .getItems()
        .filter((t) => t.userId === userId)
        .map((t) => ({ name: t.name, color: t.color }))
        .sort(byName),
      steps: quest.steps.getItems().map((s) => ({ id: s.id, title: s.title, completed: s.completed, orderIndex: s.orderIndex })),
      blockers: quest.prerequisites
        .getItems()
        .map((d) => ({ quest: d.prerequisite.getEntity(), type: d.dependencyType }))
        .filter(({ quest: p }) => isUnfinishedPrerequisite(p))
        .map(({ quest: p, type }) => ({ number: p.number, title: p.title, type }))
        .sort((a, b) => a.number - b.number),
    };
  }

  /** Unfinished blocking prerequisites of a quest: what holds back starting or completing it. */
  async blockers(questId: string): Promise<Blocker[]> {
    const dependencies = await this.em.find(
      QuestDependency,
      { dependent: questId, dependencyType: BLOCKING_DEPENDENCY },
      { populate: ['prerequisite'], strategy: 'joined' },
    );
    return dependencies
      .map((d) => d.prerequisite.getEntity())
      .filter(isUnfinishedPrerequisite)
      .map((p) => ({ number: p.number, title: p.title, type: BLOCKING_DEPENDENCY }))
      .sort((a, b) => a.number - b.number);
  }

  /**
   * One page of the user's quests, most pressing first, with step counts and
   * the total the filter matches: one statement (a hot command).
   */
  async page(userId: string, filter: QuestFilter, limit: number, offset: number): Promise<{ quests: QuestSummary[]; total: number }> {
    const where = this.listWhere(userId, filter);
    const steps = (alias: string, done: boolean) =>
      this.em
        .createQueryBuilder(QuestStep, alias)
        .count()
        .where({ quest: sql.ref('q.id'), ...(done ? { completed: true } : {}) });
    const rows = await this.em
      .createQueryBuilder(Quest, 'q')
      .select(['*', sql`count(*) over ()`.as('total'), steps('st', false).as('stepsTotal'), steps('sd', true).as('stepsDone')])
      .where(where)
      .orderBy([{ [raw(PRIORITY_RANK)]: 'desc' }, { createdAt: 'asc' }, { number: 'asc' }])
      .limit(limit)
      .offset(offset)
      .execute<Array<Record<string, unknown>>>('all', false);
    if (!rows.length) return { quests: [], total: offset > 0 ? await this.em.count(Quest, where) : 0 };
    const meta = this.em.getMetadata().get(Quest.meta.className);
    return {
      total: Number(rows[0]!.total),
      quests: rows.map((row) => {
        const quest = this.em.getDriver().mapResult(row as never, meta) as unknown as IQuest;
        return { ...toRow(quest), stepsTotal: Number(row.stepsTotal), stepsDone: Number(row.stepsDone) };
      }),
    };
  }

  private listWhere(userId: string, filter: QuestFilter): FilterQuery<IQuest> {
    const status = filter.status === 'open' ? { $in: [...OPEN_STATUSES] } : filter.status === 'all' ? undefined : filter.status;
    return {
      userId,
      ...(status ? { status } : {}),
      ...(filter.priority ? { priority: filter.priority } : {}),
      ...(filter.categoryId ? { category: filter.categoryId } : {}),
      ...(filter.projectId ? { project: filter.projectId } : {}),
      ...(filter.tag ? { tags: { userId, [sql.lower('name')]: sql`lower(${filter.tag})` } } : {}),
    } as FilterQuery<IQuest>;
  }

  /** The user's quests whose number starts with `digits` (exact number first), for autocomplete. */
  async suggestByNumber(userId: string, digits: string, limit: number): Promise<Array<{ number: number; title: string; status: QuestStatus }>> {
    const quests = await this.em.find(
      Quest,
      { userId, [sql`${sql.ref('number')}::text`]: { $like: `${digits}%` } },
      { fields: ['number', 'title', 'status'], orderBy: [{ [sql`${sql.ref('number')}::text = ${digits}`]: 'desc' }, { number: 'desc' }], limit },
    );
    return quests.map((q) => ({ number: q.number, title: q.title, status: q.status }));
  }

  /** The user's quests whose title contains `text` (all when empty): open first, most pressing, newest. */
  async suggestByTitle(userId: string, text: string, limit: number): Promise<Array<{ number: number; title: string; status: QuestStatus }>> {
    const quests = await this.em.find(
      Quest,
      { userId, ...(text ? { title: { $ilike: `%${escapeLike(text)}%` } } : {}) },
      { fields: ['number', 'title', 'status'], orderBy: [{ [raw(IS_FINISHED)]: 'asc' }, { [raw(PRIORITY_RANK)]: 'desc' }, { number: 'desc' }], limit },
    );
    return quests.map((q) => ({ number: q.number, title: q.title, status: q.status }));
  }

  async updateFields(userId: string, id: string, fields: QuestFields): Promise<void> {
    const { categoryId, projectId, ...rest } = fields;
    await this.em.nativeUpdate(Quest, { id, userId }, { ...rest, category: categoryId, project: projectId });
  }

  /** Sets a quest's status, and its start time when given. */
  async setStatus(userId: string, id: string, status: QuestStatus, startedAt?: Date): Promise<void> {
    await this.em.nativeUpdate(Quest, { id, userId }, { status, ...(startedAt ? { startedAt } : {}) });
  }

  /** Deletes the quest; its steps, tags, dependencies and analytics cascade. */
  async delete(userId: string, id: string): Promise<void> {
    await this.em.nativeDelete(Quest, { id, userId });
  }

  /** Serialises dependency changes of one user (so two inserts cannot close a loop between them). */
  async lockUser(userId: string): Promise<void> {
    await this.em.findOne(User, { id: userId }, { fields: ['id'], lockMode: LockMode.PESSIMISTIC_WRITE });
  }

  async dependencyType(dependentId: string, prerequisiteId: string, options: { lock?: boolean } = {}): Promise<DependencyType | null> {
    const dependency = await this.em.findOne(
      QuestDependency,
      { dependent: dependentId, prerequisite: prerequisiteId },
      { fields: ['dependencyType'], ...(options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}) },
    );
    return dependency?.dependencyType ?? null;
  }

  async addDependency(dependentId: string, prerequisiteId: string, type: DependencyType): Promise<void> {
    await this.em.insert(QuestDependency, { dependent: dependentId, prerequisite: prerequisiteId, dependencyType: type });
  }

  async retypeDependency(dependentId: string, prerequisiteId: string, type: DependencyType): Promise<void> {
    await this.em.nativeUpdate(QuestDependency, { dependent: dependentId, prerequisite: prerequisiteId }, { dependencyType: type });
  }

  async removeDependency(dependentId: string, prerequisiteId: string): Promise<void> {
    await this.em.nativeDelete(QuestDependency, { dependent: dependentId, prerequisite: prerequisiteId });
  }

  /**
   * The chain by which `from` already (transitively) waits on `to`, as
   * `#3 → #5 → #1`, or null when it does not.
   */
  async dependencyPath(from: string, to: string): Promise<string | null> {
    // raw: a recursive CTE (walking the dependency graph) has no MikroORM query builder form.
    const [loop] = await this.em.execute<{ path: string }[]>(
      `with recursive chain(id, path) as (
         select d.prerequisite_quest_id, array[d.dependent_quest_id, d.prerequisite_quest_id]
         from quest_dependencies d where d.dependent_quest_id = ?
         union all
         select d.prerequisite_quest_id, c.path || d.prerequisite_quest_id
         from quest_dependencies d join chain c on d.dependent_quest_id = c.id
         where d.prerequisite_quest_id <> all(c.path)
       )
       select (select string_agg('#' || q.number, ' → ' order by u.ord)
               from unnest(c.path) with ordinality as u(id, ord) join quests q on q.id = u.id) as path
       from chain c where c.id = ? limit 1`,
      [from, to],
    );
    return loop?.path ?? null;
  }

  /**
   * Creates a quest in one statement (create is a hot command): the named
   * category and project are looked up, the user's quest counter incremented,
   * the quest, its tags (created on the fly), their links and the behavior log
   * row inserted. Null, with nothing written, when a name is unknown.
   */
  async create(userId: string, quest: NewQuest): Promise<QuestDetail | null> {
    // raw: data-modifying CTEs chained in one statement, which the query builder cannot express; one round trip instead of seven.
    const [row] = await this.em.execute<Array<Record<string, unknown>>>(
      `with cat as (select id, name, color from quest_categories where user_id = ? and lower(name) = lower(?::text)),
            proj as (select id, name from projects where user_id = ? and lower(name) = lower(?::text)),
            counter as (
              update users set quest_counter = quest_counter + 1
              where id = ? and (?::text is null or exists (select 1 from cat)) and (?::text is null or exists (select 1 from proj))
              returning quest_counter),
            q as (
              insert into quests (user_id, number, title, description, difficulty, status, priority, estimated_duration,
                experience_points, category_id, project_id)
              select ?, counter.quest_counter, ?, ?, ?, ?, ?, ?, ?, (select id from cat), (select id from proj) from counter
              returning *),
            names as (select n from jsonb_array_elements_text(?::jsonb) as n where exists (select 1 from q)),
            t as (
              insert into tags (user_id, name) select ?, n from names
              on conflict (user_id, lower(name)) do update set name = tags.name
              returning id, name, color),
            qt as (insert into quest_tags (quest_id, tag_id) select q.id, t.id from q, t),
            log as (
              insert into user_behavior_logs (user_id, action_type, action_data)
              select ?, 'quest_created', jsonb_build_object('questId', q.id, 'number', q.number, 'difficulty', q.difficulty) from q)
       select q.*,
         (select json_build_object('name', name, 'color', color) from cat) as category_json,
         (select json_build_object('name', name) from proj) as project_json,
         coalesce((select json_agg(json_build_object('name', name, 'color', color) order by lower(name)) from t), '[]') as tags_json
       from q`,
      [
        userId,
        quest.category,
        userId,
        quest.project,
        userId,
        quest.category,
        quest.project,
        userId,
        quest.title,
        quest.description,
        quest.difficulty,
        quest.status,
        quest.priority,
        quest.estimatedDuration,
        quest.experiencePoints,
        JSON.stringify(quest.tags),
        userId,
        userId,
      ],
    );
    if (!row) return null;
    const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;
    const mapped = this.em.getDriver().mapResult(row as never, this.em.getMetadata().get(Quest.meta.className)) as unknown as IQuest;
    return {
      ...toRow(mapped),
      category: json(row.category_json),
      project: json(row.project_json),
      tags: json(row.tags_json),
      steps: [],
      blockers: [],
    };
  }

  /**
   * Completes a quest exactly once, in one statement (complete is the hottest
   * write): the conditional status update (only from a status the rules allow,
   * and only without an unfinished blocking prerequisite), and only when it
   * changed a row, the step counts, the analytics row and the behavior log row.
   * Null when no row changed.
   */
  async complete(
    userId: string,
    key: QuestKey,
    input: { now: Date; minutes: number | null; ratings: { difficulty: number | null; satisfaction: number | null } },
  ): Promise<(CompletedQuest & { done: number; total: number }) | null> {
    const at = input.now.toISOString();
    const [target, value] = 'number' in key ? ['q.number', key.number] : ['q.id', key.id];
    // raw: data-modifying CTEs in one statement (one round trip); the unfinished-prerequisite test and the duration
    // inference mirror isUnfinishedPrerequisite and actualDuration in quest.rules.ts (quest.service.test checks they agree).
    const [row] = await this.em.execute<Array<CompletedQuest & { done: number; total: number }>>(
      `with u as (
         update quests q set status = 'COMPLETED', completed_at = ?::timestamptz,
           actual_duration = coalesce(?::int, case when q.status = 'IN_PROGRESS' and q.started_at is not null
             then greatest(1, round(extract(epoch from (?::timestamptz - q.started_at)) / 60))::int end)
         where ${target} = ? and q.user_id = ?
           and q.status in (select jsonb_array_elements_text(?::jsonb))
           and not exists (select 1 from quest_dependencies d join quests p on p.id = d.prerequisite_quest_id
             where d.dependent_quest_id = q.id and d.dependency_type = ?
               and p.status <> 'COMPLETED' and (p.status <> 'ARCHIVED' or p.completed_at is null))
         returning q.id, q.user_id as "userId", q.number, q.title, q.difficulty, q.estimated_duration as "estimatedDuration",
           q.actual_duration as "actualDuration", q.category_id as "categoryId", q.project_id as "projectId",
           q.completed_at as "completedAt"),
       s as (select count(*) filter (where completed)::int as done, count(*)::int as total
             from quest_steps where quest_id = (select id from u)),
       a as (insert into quest_analytics (quest_id, user_id, time_spent_minutes, completion_rate, difficulty_rating, satisfaction_rating)
             select u.id, u."userId", coalesce(u."actualDuration", 0), case when s.total > 0 then round(100.0 * s.done / s.total, 2) end,
               ?::int, ?::int from u, s),
       l as (insert into user_behavior_logs (user_id, action_type, action_data)
             select u."userId", 'quest_completed', jsonb_build_object('questId', u.id, 'number', u.number, 'difficulty', u.difficulty,
               'actualDuration', u."actualDuration", 'stepsDone', s.done, 'stepsTotal', s.total) from u, s)
       select u.*, s.done, s.total from u, s`,
      [
        at,
        input.minutes,
        at,
        value,
        userId,
        JSON.stringify(movableFrom('COMPLETED')),
        BLOCKING_DEPENDENCY,
        input.ratings.difficulty,
        input.ratings.satisfaction,
      ],
    );
    return row ? { ...row, completedAt: input.now } : null;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toRow(quest: IQuest): QuestRow {
  const date = (value: Date | string | null | undefined) => (value === null || value === undefined ? null : new Date(value));
  return {
    id: quest.id,
    number: quest.number,
    title: quest.title,
    description: quest.description ?? null,
    difficulty: quest.difficulty,
    status: quest.status,
    priority: quest.priority,
    estimatedDuration: quest.estimatedDuration,
    actualDuration: quest.actualDuration ?? null,
    experiencePoints: quest.experiencePoints,
    categoryId: refId(quest.category),
    projectId: refId(quest.project),
    createdAt: date(quest.createdAt)!,
    startedAt: date(quest.startedAt),
    completedAt: date(quest.completedAt),
  };
}

/** A relation's id, whether the mapped value is a reference, an entity or a bare key. */
function refId(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return (value as { id: string }).id ?? null;
}
