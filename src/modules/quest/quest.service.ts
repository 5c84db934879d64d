import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, ValidationError, plain } from '../../core/errors.js';
import { escapeMarkdown as md } from '../../core/markdown.js';
import type { DependencyType, Difficulty, Priority, QuestStatus } from '../columns.js';
import { questXp } from '../progression/progression.rules.js';
import { logBehavior } from '../analytics/behavior-log.service.js';
import type { CompletedQuest, CompletionHook, CompletionRewards } from './completion.js';
import type { DueWindow } from './due.rules.js';
import type { Message } from '../../core/messages.js';
import { questMessages } from './quest.messages.js';
import { type QuestKey, canMove, movableFrom, parseQuestNumber, refusalReason, statusLabel, unarchivedStatus } from './quest.rules.js';

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
  dueAt: Date | null;
}

export interface QuestSummary extends QuestRow {
  stepsDone: number;
  stepsTotal: number;
}

/** A quest reference as a SQL condition on `quests q`, with the error for when it finds nothing. */
export interface QuestTarget {
  clause: 'q.number = ?' | 'q.id = ?';
  value: number | string;
  missing: string;
}

export interface QuestDetail extends QuestRow {
  category: { name: string; color: string } | null;
  project: { name: string } | null;
  tags: Array<{ name: string; color: string }>;
  steps: Array<{ id: string; title: string; completed: boolean; orderIndex: number }>;
  blockers: Array<{ number: number; title: string; type: string }>;
}

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
}

export interface CompletionResult {
  quest: CompletedQuest;
  steps: { done: number; total: number };
  ratings: { difficulty: number | null; satisfaction: number | null };
  rewards: CompletionRewards;
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

const QUEST_COLUMNS = `q.id, q.number, q.title, q.description, q.difficulty, q.status, q.priority,
  q.estimated_duration as "estimatedDuration", q.actual_duration as "actualDuration",
  q.experience_points as "experiencePoints", q.category_id as "categoryId", q.project_id as "projectId",
  q.created_at as "createdAt", q.started_at as "startedAt", q.completed_at as "completedAt", q.due_at as "dueAt"`;

const PRIORITY_ORDER = `case q.priority when 'URGENT' then 4 when 'HIGH' then 3 when 'MEDIUM' then 2 else 1 end`;

/** A prerequisite `p` still holds its dependent back unless it was completed (possibly archived since). */
const UNFINISHED = `p.status <> 'COMPLETED' and (p.status <> 'ARCHIVED' or p.completed_at is null)`;

/** Quest verbs. Every query is scoped to the acting user: other users' quests are "not found". */
export class QuestService {
  constructor(
    private readonly em: EntityManager,
    private readonly completion: CompletionHook,
  ) {}

  /**
   * One statement, so atomic without a transaction: the named category and
   * project are looked up, the user's quest counter incremented, the quest,
   * its tags (created on the fly) and the behavior log row inserted. When a
   * name is unknown nothing is written and the error names it.
   */
  async createQuest(userId: string, input: CreateQuestInput): Promise<QuestDetail> {
    const tags = uniqueNames(input.tags ?? []);
    const category = input.category?.trim() ?? null;
    const project = input.project?.trim() ?? null;
    const [row] = await this.em.execute<(QuestRow & { tags: unknown; category: unknown; project: unknown })[]>(
      `with cat as (select id, name, color from quest_categories where user_id = ? and lower(name) = lower(?::text)),
            proj as (select id, name from projects where user_id = ? and lower(name) = lower(?::text)),
            counter as (
              update users set quest_counter = quest_counter + 1
              where id = ? and (?::text is null or exists (select 1 from cat)) and (?::text is null or exists (select 1 from proj))
              returning quest_counter),
            q as (
              insert into quests (user_id, number, title, description, difficulty, status, priority, estimated_duration,
                experience_points, category_id, project_id, due_at)
              select ?, counter.quest_counter, ?, ?, ?, ?, ?, ?, ?, (select id from cat), (select id from proj), ?::timestamptz from counter
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
       select ${QUEST_COLUMNS},
         (select json_build_object('name', name, 'color', color) from cat) as category,
         (select json_build_object('name', name) from proj) as project,
         coalesce((select json_agg(json_build_object('name', name, 'color', color) order by lower(name)) from t), '[]') as tags
       from q`,
      [
        userId,
        category,
        userId,
        project,
        userId,
        category,
        project,
        userId,
        input.title,
        input.description ?? null,
        input.difficulty,
        input.status ?? 'ACTIVE',
        input.priority,
        input.estimatedDuration,
        questXp(input.difficulty, input.estimatedDuration),
        input.dueAt?.toISOString() ?? null,
        JSON.stringify(tags),
        userId,
        userId,
      ],
    );
    if (!row) {
      // Nothing was written: say which name is unknown.
      if (category) await findOwnedByName(this.em, 'quest_categories', userId, category, 'category');
      if (project) await findOwnedByName(this.em, 'projects', userId, project, 'project');
      throw new NotFoundError(plain('Quest could not be created.'));
    }
    return detailFromRow({ ...row, steps: [], blockers: [] });
  }

  async listQuests(userId: string, input: ListQuestsInput): Promise<QuestPage> {
    const where: string[] = ['q.user_id = ?'];
    const params: unknown[] = [userId];
    const status = input.status ?? 'open';
    if (status === 'open') where.push(`q.status in ('DRAFT', 'ACTIVE', 'IN_PROGRESS')`);
    else if (status !== 'all') {
      where.push('q.status = ?');
      params.push(status);
    }
    if (input.priority) {
      where.push('q.priority = ?');
      params.push(input.priority);
    }
    if (input.category) {
      where.push('q.category_id = ?');
      params.push(await findOwnedByName(this.em, 'quest_categories', userId, input.category, 'category'));
    }
    if (input.project) {
      where.push('q.project_id = ?');
      params.push(await findOwnedByName(this.em, 'projects', userId, input.project, 'project'));
    }
    if (input.tag) {
      where.push('exists (select 1 from quest_tags qt join tags t on t.id = qt.tag_id where qt.quest_id = q.id and t.user_id = q.user_id and lower(t.name) = lower(?))');
      params.push(input.tag);
    }
    if (input.due?.none) where.push('q.due_at is null');
    else if (input.due) {
      where.push('q.due_at < ?');
      params.push(input.due.to.toISOString());
      if (input.due.from) {
        where.push('q.due_at >= ?');
        params.push(input.due.from.toISOString());
      }
    }
    if (input.search) {
      where.push(`exists (select 1 from quest_search_documents d where d.quest_id = q.id and d.user_id = q.user_id and d.document @@ websearch_to_tsquery('english', ?))`);
      params.push(input.search);
    }
    const overdueFirst = '(q.due_at is not null and q.due_at < ?::timestamptz)';
    const page = Math.max(1, input.page ?? 1);
    const rows = await this.em.execute<(QuestSummary & { total: string; rank: number; overdue: boolean })[]>(
      // Step counts only for the page's rows, not for every quest the filter matches.
      `with page as (
         select ${QUEST_COLUMNS}, ${PRIORITY_ORDER} as rank, ${overdueFirst} as overdue, count(*) over () as total
         from quests q
         where ${where.join(' and ')}
         order by overdue desc, rank desc, q.due_at asc nulls last, q.created_at asc, q.number asc
         limit ${PAGE_SIZE} offset ?)
       select page.*, coalesce(s.total, 0) as "stepsTotal", coalesce(s.done, 0) as "stepsDone"
       from page left join lateral (
         select count(*)::int as total, count(*) filter (where completed)::int as done from quest_steps where quest_id = page.id) s on true
       order by page.overdue desc, page.rank desc, page."dueAt" asc nulls last, page."createdAt" asc, page.number asc`,
      [(input.now ?? new Date(0)).toISOString(), ...params, (page - 1) * PAGE_SIZE],
    );
    let total = rows[0] ? Number(rows[0].total) : 0;
    if (!rows.length && page > 1) {
      const [count] = await this.em.execute<{ n: string }[]>(`select count(*) as n from quests q where ${where.join(' and ')}`, params);
      total = Number(count!.n);
    }
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (page > pages) throw new ValidationError(plain(`\`page\` must be between 1 and ${pages}.`), { field: 'page' });
    return { quests: rows.map(({ total: _total, rank: _rank, overdue: _overdue, ...quest }) => withDates(quest)), page, pages, total };
  }

  /** Resolves `12`, `#12` or a unique title fragment to one of the user's quests. */
  async resolveQuest(userId: string, ref: string): Promise<QuestRow> {
    const number = parseQuestNumber(ref);
    if (number !== null) {
      const [row] = await this.em.execute<QuestRow[]>(`select ${QUEST_COLUMNS} from quests q where q.user_id = ? and q.number = ?`, [userId, number]);
      if (!row) throw new NotFoundError(plain(`Quest #${number} not found.`));
      return withDates(row);
    }
    const fragment = ref.trim();
    const rows = await this.em.execute<QuestRow[]>(
      `select ${QUEST_COLUMNS} from quests q
       where q.user_id = ? and q.title ilike ? escape '\\'
       order by (lower(q.title) = lower(?)) desc, (q.status in ('COMPLETED', 'ARCHIVED')) asc, q.number desc
       limit 6`,
      [userId, `%${escapeLike(fragment)}%`, fragment],
    );
    if (!rows.length) throw new NotFoundError(plain(`No quest matches "${fragment}".`));
    const exact = rows.filter((r) => r.title.toLowerCase() === fragment.toLowerCase());
    if (exact.length === 1 || rows.length === 1) return withDates(exact[0] ?? rows[0]!);
    const open = rows.filter((r) => r.status !== 'COMPLETED' && r.status !== 'ARCHIVED');
    if (open.length === 1 && exact.length === 0) return withDates(open[0]!);
    const shown = rows.slice(0, 5).map((r) => `#${r.number} ${r.title}`);
    throw new ConflictError(plain(`"${fragment}" matches several quests: ${shown.join('; ')}${rows.length > 5 ? '; …' : ''}. Name one by its number.`));
  }

  /**
   * How to find `ref` in SQL against `quests q`: a number names the row directly
   * (no query); a title fragment is resolved to its id first.
   */
  async questTarget(userId: string, ref: string): Promise<QuestTarget> {
    const number = parseQuestNumber(ref);
    if (number !== null) return { clause: 'q.number = ?', value: number, missing: `Quest #${number} not found.` };
    return { clause: 'q.id = ?', value: (await this.resolveQuest(userId, ref)).id, missing: 'Quest not found.' };
  }

  /** How to find `ref`: a number names the quest directly (no query); a title fragment is resolved to its id first. */
  async questKey(userId: string, ref: string): Promise<{ key: QuestKey; missing: Message }> {
    const number = parseQuestNumber(ref);
    if (number !== null) return { key: { number }, missing: questMessages.not_found({ number }) };
    return { key: { id: (await this.resolveQuest(userId, ref)).id }, missing: questMessages.gone() };
  }

  async getDetail(userId: string, questId: string): Promise<QuestDetail> {
    const quest = await this.findDetail(userId, 'q.id = ?', questId);
    if (!quest) throw new NotFoundError(plain('Quest not found.'));
    return quest;
  }

  async viewQuest(userId: string, ref: string): Promise<QuestDetail> {
    const number = parseQuestNumber(ref);
    if (number === null) return this.getDetail(userId, (await this.resolveQuest(userId, ref)).id);
    const quest = await this.findDetail(userId, 'q.number = ?', number);
    if (!quest) throw new NotFoundError(plain(`Quest #${number} not found.`));
    return quest;
  }

  /** The quest with its category, project, tags, steps and blockers, in one round trip. */
  private async findDetail(userId: string, where: string, value: unknown): Promise<QuestDetail | undefined> {
    const [row] = await this.em.execute<(QuestRow & Omit<QuestDetail, keyof QuestRow>)[]>(
      `select ${QUEST_COLUMNS},
         (select json_build_object('name', c.name, 'color', c.color) from quest_categories c
           where c.id = q.category_id and c.user_id = q.user_id) as category,
         (select json_build_object('name', pr.name) from projects pr where pr.id = q.project_id and pr.user_id = q.user_id) as project,
         coalesce((select json_agg(json_build_object('name', t.name, 'color', t.color) order by lower(t.name))
           from quest_tags qt join tags t on t.id = qt.tag_id where qt.quest_id = q.id and t.user_id = q.user_id), '[]') as tags,
         coalesce((select json_agg(json_build_object('id', s.id, 'title', s.title, 'completed', s.completed, 'orderIndex', s.order_index)
           order by s.order_index) from quest_steps s where s.quest_id = q.id), '[]') as steps,
         coalesce((select json_agg(json_build_object('number', p.number, 'title', p.title, 'type', d.dependency_type) order by p.number)
           from quest_dependencies d join quests p on p.id = d.prerequisite_quest_id
           where d.dependent_quest_id = q.id and ${UNFINISHED}), '[]') as blockers
       from quests q where q.user_id = ? and ${where}`,
      [userId, value],
    );
    return row && detailFromRow(row);
  }

  /** Unfinished `sequential` prerequisites: what blocks starting or completing a quest. */
  private async sequentialBlockers(tx: EntityManager, questId: string): Promise<Array<{ number: number; title: string; type: string }>> {
    return tx.execute(
      `select p.number, p.title, d.dependency_type as type
       from quest_dependencies d join quests p on p.id = d.prerequisite_quest_id
       where d.dependent_quest_id = ? and d.dependency_type = 'sequential' and ${UNFINISHED}
       order by p.number`,
      [questId],
    );
  }

  /** Changes any of a quest's fields and optionally its status, in one transaction. */
  async editQuest(userId: string, ref: string, input: EditQuestInput, now: Date): Promise<EditResult> {
    const fields = Object.entries(input).filter(([, value]) => value !== undefined);
    if (!fields.length) {
      throw new ValidationError(plain('Nothing to change: give at least one of `title`, `description`, `difficulty`, `priority`, `estimate`, `category`, `project`, `due` or `status`.'));
    }
    const target = await this.questTarget(userId, ref);
    const { id, changes } = await this.em.transactional(async (tx) => {
      const quest = await lockQuest(tx, userId, target);
      const id = quest.id;
      const next = {
        title: input.title ?? quest.title,
        description: input.description === undefined ? quest.description : input.description,
        difficulty: input.difficulty ?? quest.difficulty,
        priority: input.priority ?? quest.priority,
        estimatedDuration: input.estimatedDuration ?? quest.estimatedDuration,
        categoryId: await resolveClearable(tx, 'quest_categories', userId, input.category, quest.categoryId, 'category'),
        projectId: await resolveClearable(tx, 'projects', userId, input.project, quest.projectId, 'project'),
        dueAt: input.dueAt === undefined ? quest.dueAt : input.dueAt,
      };
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
        ] as const
      )
        .filter(([, changed]) => changed)
        .map(([name]) => name as string);
      if (changes.length) {
        // XP follows difficulty and estimate until the quest is completed; after that it is history.
        const experiencePoints = quest.completedAt ? quest.experiencePoints : questXp(next.difficulty, next.estimatedDuration);
        await tx.execute(
          `update quests set title = ?, description = ?, difficulty = ?, priority = ?, estimated_duration = ?,
             experience_points = ?, category_id = ?, project_id = ?, due_at = ?::timestamptz
           where id = ? and user_id = ?`,
          [next.title, next.description, next.difficulty, next.priority, next.estimatedDuration, experiencePoints, next.categoryId, next.projectId,
            next.dueAt?.toISOString() ?? null, id, userId],
        );
      }
      let status: { from: QuestStatus; to: QuestStatus } | undefined;
      if (input.status && input.status !== quest.status) {
        status = { from: quest.status, to: await this.moveStatus(tx, userId, quest, input.status, now, `set ${questLabel(quest)} to ${statusLabel(input.status)}`) };
        changes.push('status');
      }
      if (changes.length) await logBehavior(tx, userId, 'quest_edited', { questId: id, number: quest.number, changes, status });
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
    const target = await this.questTarget(userId, ref);
    const at = now.toISOString();
    const ratings = { difficulty: input.difficultyRating ?? null, satisfaction: input.satisfaction ?? null };
    return this.em.transactional(async (tx) => {
      // One statement: the conditional status update, and only if it changed a row,
      // the step counts, the analytics row and the behavior log row.
      const [completed] = await tx.execute<(CompletedQuest & { done: number; total: number })[]>(
        `with u as (
           update quests q set status = 'COMPLETED', completed_at = ?::timestamptz,
             actual_duration = coalesce(?::int, case when q.status = 'IN_PROGRESS' and q.started_at is not null
               then greatest(1, round(extract(epoch from (?::timestamptz - q.started_at)) / 60))::int end)
           where ${target.clause} and q.user_id = ?
             and q.status in (select jsonb_array_elements_text(?::jsonb))
             and not exists (select 1 from quest_dependencies d join quests p on p.id = d.prerequisite_quest_id
               where d.dependent_quest_id = q.id and d.dependency_type = 'sequential' and ${UNFINISHED})
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
        [at, input.minutes ?? null, at, target.value, userId, JSON.stringify(movableFrom('COMPLETED')), ratings.difficulty, ratings.satisfaction],
      );
      if (!completed) {
        // Inside the transaction only `tx` may be used: embedded mode has one connection.
        const [found] = await tx.execute<{ id: string }[]>(`select q.id from quests q where ${target.clause} and q.user_id = ?`, [target.value, userId]);
        if (!found) throw new NotFoundError(plain(target.missing));
        throw await this.explainRefusal(tx, userId, found.id, 'COMPLETED', 'complete');
      }
      const { done, total, ...row } = completed;
      const quest = { ...row, completedAt: now };
      const rewards = await this.completion.onQuestCompleted(tx, quest, now);
      return { quest, steps: { done, total }, ratings, rewards };
    });
  }

  /** Deletes a quest with its steps, tags, dependencies and analytics (cascades). */
  async deleteQuest(userId: string, ref: string): Promise<{ number: number; title: string }> {
    const target = await this.questTarget(userId, ref);
    // One statement, so atomic on its own: the delete (steps, tags, dependencies cascade) and its log row.
    const [deleted] = await this.em.execute<{ id: string; number: number; title: string }[]>(
      `with d as (delete from quests q where ${target.clause} and q.user_id = ? returning q.id, q.number, q.title),
            l as (insert into user_behavior_logs (user_id, action_type, action_data)
                  select ?, 'quest_deleted', jsonb_build_object('questId', d.id, 'number', d.number, 'title', d.title) from d)
       select id, number, title from d`,
      [target.value, userId, userId],
    );
    if (!deleted) throw new NotFoundError(plain(target.missing));
    return { number: deleted.number, title: deleted.title };
  }

  /**
   * Makes `ref` wait for `onRef`. Self-dependencies and cycles are refused; the
   * cycle check runs in the database under a lock on the user's row, so two
   * concurrent inserts cannot close a loop between them.
   */
  async addDependency(userId: string, ref: string, onRef: string, type: DependencyType): Promise<DependencyResult> {
    const quest = await this.resolveQuest(userId, ref);
    const prerequisite = await this.resolveQuest(userId, onRef);
    if (quest.id === prerequisite.id) throw new ValidationError(plain(`A quest can't depend on itself (\`quest\` and \`on\` both name ${questLabel(quest)}).`), { field: 'on' });
    const outcome = await this.em.transactional(async (tx) => {
      await tx.execute('select id from users where id = ? for update', [userId]);
      const [loop] = await tx.execute<{ path: string }[]>(
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
        [prerequisite.id, quest.id],
      );
      if (loop) {
        throw new ConflictError(plain(
          `${questLabel(quest)} can't wait on ${questLabel(prerequisite)}: #${prerequisite.number} already waits on #${quest.number} (${loop.path}), so that would make a loop.`),
        );
      }
      const [existing] = await tx.execute<{ type: DependencyType }[]>(
        'select dependency_type as type from quest_dependencies where dependent_quest_id = ? and prerequisite_quest_id = ?',
        [quest.id, prerequisite.id],
      );
      if (existing?.type === type) throw new ConflictError(plain(`${questLabel(quest)} already waits on ${questLabel(prerequisite)} (${type}).`));
      if (existing) {
        await tx.execute('update quest_dependencies set dependency_type = ? where dependent_quest_id = ? and prerequisite_quest_id = ?', [type, quest.id, prerequisite.id]);
      } else {
        await tx.execute('insert into quest_dependencies (dependent_quest_id, prerequisite_quest_id, dependency_type) values (?, ?, ?)', [quest.id, prerequisite.id, type]);
      }
      const outcome = existing ? 'retyped' : 'added';
      await logBehavior(tx, userId, 'quest_dependency_added', { questId: quest.id, prerequisiteId: prerequisite.id, type, outcome });
      return outcome;
    });
    return { quest: await this.getDetail(userId, quest.id), prerequisite, type, outcome };
  }

  async removeDependency(userId: string, ref: string, onRef: string): Promise<DependencyResult> {
    const quest = await this.resolveQuest(userId, ref);
    const prerequisite = await this.resolveQuest(userId, onRef);
    const type = await this.em.transactional(async (tx) => {
      const [removed] = await tx.execute<{ type: DependencyType }[]>(
        'delete from quest_dependencies where dependent_quest_id = ? and prerequisite_quest_id = ? returning dependency_type as type',
        [quest.id, prerequisite.id],
      );
      if (!removed) throw new NotFoundError(plain(`${questLabel(quest)} doesn't wait on ${questLabel(prerequisite)}.`));
      await logBehavior(tx, userId, 'quest_dependency_removed', { questId: quest.id, prerequisiteId: prerequisite.id, type: removed.type });
      return removed.type;
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
    const target = await this.questTarget(userId, ref);
    const id = await this.em.transactional(async (tx) => {
      const quest = await lockQuest(tx, userId, target);
      if (move.onlyFrom && quest.status !== move.onlyFrom) {
        throw new ConflictError(plain(`${questLabel(quest)} isn't ${statusLabel(move.onlyFrom)} (it is ${statusLabel(quest.status)}).`));
      }
      const status = await this.moveStatus(tx, userId, quest, move.to, now, `${move.verb} ${questLabel(quest)}`);
      await logBehavior(tx, userId, move.action, { questId: quest.id, number: quest.number, from: quest.status, to: status });
      return quest.id;
    });
    return this.getDetail(userId, id);
  }

  /** Applies one status move to a locked quest; `attempt` words the refusal ("start #3 Buy paint"). */
  private async moveStatus(tx: EntityManager, userId: string, quest: QuestRow, to: QuestStatus, now: Date, attempt: string): Promise<QuestStatus> {
    if (!canMove(quest.status, to)) throw new ConflictError(plain(`Can't ${attempt}: ${refusalReason(quest.status, to)}.`));
    const target = quest.status === 'ARCHIVED' && to === 'ACTIVE' ? unarchivedStatus(quest.completedAt) : to;
    if (target === 'IN_PROGRESS') {
      const blockers = await this.sequentialBlockers(tx, quest.id);
      if (blockers.length) throw new ConflictError(plain(blockedMessage(attempt, blockers)));
    }
    await tx.execute(
      `update quests set status = ?, started_at = case when ? then ?::timestamptz else started_at end where id = ? and user_id = ?`,
      [target, target === 'IN_PROGRESS', now.toISOString(), quest.id, userId],
    );
    return target;
  }

  /** Why a conditional move changed no row, re-read inside the same transaction. */
  private async explainRefusal(tx: EntityManager, userId: string, id: string, to: QuestStatus, verb: string): Promise<Error> {
    const [quest] = await tx.execute<QuestRow[]>(`select ${QUEST_COLUMNS} from quests q where q.id = ? and q.user_id = ?`, [id, userId]);
    if (!quest) return new NotFoundError(plain('Quest not found.'));
    const attempt = `${verb} ${questLabel(quest)}`;
    if (!canMove(quest.status, to)) return new ConflictError(plain(`Can't ${attempt}: ${refusalReason(quest.status, to)}.`));
    const blockers = await this.sequentialBlockers(tx, id);
    if (blockers.length) return new ConflictError(plain(blockedMessage(attempt, blockers)));
    return new ConflictError(plain(`${questLabel(quest)} changed while completing it: please try again.`));
  }

  /** The user's quests matching a partial number or title, for autocomplete (at most 25). */
  async suggestQuests(userId: string, partial: string, limit = 25): Promise<Array<{ number: number; title: string; status: QuestStatus }>> {
    const text = partial.trim().replace(/^#/, '');
    if (/^\d+$/.test(text)) {
      return this.em.execute(
        `select number, title, status from quests where user_id = ? and number::text like ? order by (number::text = ?) desc, number desc limit ?`,
        [userId, `${text}%`, text, limit],
      );
    }
    return this.em.execute(
      `select q.number, q.title, q.status from quests q
       where q.user_id = ? and (? = '' or q.title ilike ? escape '\\')
       order by (q.status in ('COMPLETED', 'ARCHIVED')) asc, ${PRIORITY_ORDER} desc, q.number desc limit ?`,
      [userId, text, `%${escapeLike(text)}%`, limit],
    );
  }
}

/** Raw queries return timestamps as text; the rows we hand out carry Dates. */
function withDates<T extends Pick<QuestRow, 'createdAt' | 'startedAt' | 'completedAt' | 'dueAt'>>(row: T): T {
  const date = (value: Date | string | null | undefined) => (value === null || value === undefined ? null : new Date(value));
  return { ...row, createdAt: date(row.createdAt)!, startedAt: date(row.startedAt), completedAt: date(row.completedAt), dueAt: date(row.dueAt) };
}

/** `#3 Buy paint`, escaped for markdown. */
function questLabel(quest: { number: number; title: string }): string {
  return `#${quest.number} ${md(quest.title)}`;
}

function blockedMessage(attempt: string, blockers: Array<{ number: number; title: string }>): string {
  const names = blockers.map(questLabel).join(', ');
  return `Can't ${attempt} yet: it waits on ${names}. Finish ${blockers.length === 1 ? 'that' : 'those'} first.`;
}

async function lockQuest(em: EntityManager, userId: string, target: QuestTarget): Promise<QuestRow> {
  const [quest] = await em.execute<QuestRow[]>(`select ${QUEST_COLUMNS} from quests q where ${target.clause} and q.user_id = ? for update`, [target.value, userId]);
  if (!quest) throw new NotFoundError(plain(target.missing));
  return withDates(quest);
}

/** `undefined` keeps `current`, `null` clears it, a name is looked up among the user's own. */
async function resolveClearable(
  em: EntityManager,
  table: 'quest_categories' | 'projects',
  userId: string,
  name: string | null | undefined,
  current: string | null,
  label: 'category' | 'project',
): Promise<string | null> {
  if (name === undefined) return current;
  if (name === null) return null;
  return findOwnedByName(em, table, userId, name, label);
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Finds a category or project of the user by name, ignoring case. */
export async function findOwnedByName(
  em: EntityManager,
  table: 'quest_categories' | 'projects',
  userId: string,
  name: string,
  label: 'category' | 'project',
): Promise<string> {
  const [row] = await em.execute<{ id: string }[]>(`select id from ${table} where user_id = ? and lower(name) = lower(?)`, [userId, name.trim()]);
  if (!row) {
    throw new NotFoundError(plain(`No ${label} named "${name.trim()}". Create it with \`/${label} create ${name.trim()}\` or see \`/${label} list\`.`));
  }
  return row.id;
}

/** Attaches tags by name, creating the user's missing tags on the fly (names unique ignoring case). */
/** A quest row whose JSON columns (category, project, tags, steps, blockers) may arrive as text. */
function detailFromRow(row: QuestRow & Record<'category' | 'project' | 'tags' | 'steps' | 'blockers', unknown>): QuestDetail {
  const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;
  return {
    ...withDates(row),
    category: json(row.category),
    project: json(row.project),
    tags: json(row.tags),
    steps: json(row.steps),
    blockers: json(row.blockers),
  };
}

/** Trimmed names without case-insensitive duplicates, first spelling kept. */
function uniqueNames(names: string[]): string[] {
  const byKey = new Map<string, string>();
  for (const name of names.map((n) => n.trim()).filter(Boolean)) if (!byKey.has(name.toLowerCase())) byKey.set(name.toLowerCase(), name);
  return [...byKey.values()];
}

export async function attachTags(em: EntityManager, userId: string, questId: string, names: string[]): Promise<string[]> {
  const unique = uniqueNames(names);
  if (!unique.length) return [];
  await em.execute(
    `insert into tags (user_id, name) select ?, n from jsonb_array_elements_text(?::jsonb) as n
     on conflict (user_id, lower(name)) do nothing`,
    [userId, JSON.stringify(unique)],
  );
  const tags = await em.execute<{ id: string; name: string }[]>(
    'select id, name from tags where user_id = ? and lower(name) in (select jsonb_array_elements_text(?::jsonb))',
    [userId, JSON.stringify(unique.map((n) => n.toLowerCase()))],
  );
  await em.execute(
    `insert into quest_tags (quest_id, tag_id) select ?, t::uuid from jsonb_array_elements_text(?::jsonb) as t on conflict do nothing`,
    [questId, JSON.stringify(tags.map((t) => t.id))],
  );
  return tags.map((t) => t.name);
}

