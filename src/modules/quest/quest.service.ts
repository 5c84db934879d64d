import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { Difficulty, Priority, QuestStatus } from '../columns.js';
import { questXp } from '../progression/progression.rules.js';
import { logBehavior } from '../analytics/behavior-log.service.js';
import { parseQuestNumber, PRIORITY_RANK } from './quest.rules.js';

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
}

export type ListFilter = 'open' | 'all' | QuestStatus;

export interface ListQuestsInput {
  status?: ListFilter;
  category?: string;
  project?: string;
  tag?: string;
  priority?: Priority;
  page?: number;
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
  q.created_at as "createdAt", q.started_at as "startedAt", q.completed_at as "completedAt"`;

const PRIORITY_ORDER = `case q.priority when 'URGENT' then 4 when 'HIGH' then 3 when 'MEDIUM' then 2 else 1 end`;

/** Quest verbs. Every query is scoped to the acting user: other users' quests are "not found". */
export class QuestService {
  constructor(private readonly em: EntityManager) {}

  async createQuest(userId: string, input: CreateQuestInput): Promise<QuestDetail> {
    const id = await this.em.transactional(async (em) => {
      const categoryId = input.category ? await findOwnedByName(em, 'quest_categories', userId, input.category, 'category') : null;
      const projectId = input.project ? await findOwnedByName(em, 'projects', userId, input.project, 'project') : null;
      const [counter] = await em.execute<{ quest_counter: number }[]>(
        'update users set quest_counter = quest_counter + 1 where id = ? returning quest_counter',
        [userId],
      );
      const [row] = await em.execute<{ id: string }[]>(
        `insert into quests (user_id, number, title, description, difficulty, status, priority, estimated_duration,
           experience_points, category_id, project_id)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
        [
          userId,
          counter!.quest_counter,
          input.title,
          input.description ?? null,
          input.difficulty,
          input.status ?? 'ACTIVE',
          input.priority,
          input.estimatedDuration,
          questXp(input.difficulty, input.estimatedDuration),
          categoryId,
          projectId,
        ],
      );
      if (input.tags?.length) await attachTags(em, userId, row!.id, input.tags);
      await logBehavior(em, userId, 'quest_created', { questId: row!.id, number: counter!.quest_counter, difficulty: input.difficulty });
      return row!.id;
    });
    return this.getDetail(userId, id);
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
    const page = Math.max(1, input.page ?? 1);
    const rows = await this.em.execute<(QuestSummary & { total: string })[]>(
      `select ${QUEST_COLUMNS},
         (select count(*)::int from quest_steps s where s.quest_id = q.id) as "stepsTotal",
         (select count(*)::int from quest_steps s where s.quest_id = q.id and s.completed) as "stepsDone",
         count(*) over () as total
       from quests q
       where ${where.join(' and ')}
       order by ${PRIORITY_ORDER} desc, q.created_at asc, q.number asc
       limit ${PAGE_SIZE} offset ?`,
      [...params, (page - 1) * PAGE_SIZE],
    );
    let total = rows[0] ? Number(rows[0].total) : 0;
    if (!rows.length && page > 1) {
      const [count] = await this.em.execute<{ n: string }[]>(`select count(*) as n from quests q where ${where.join(' and ')}`, params);
      total = Number(count!.n);
    }
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (page > pages) throw new ValidationError(`\`page\` must be between 1 and ${pages}.`, { field: 'page' });
    return { quests: rows.map(({ total: _total, ...quest }) => quest), page, pages, total };
  }

  /** Resolves `12`, `#12` or a unique title fragment to one of the user's quests. */
  async resolveQuest(userId: string, ref: string): Promise<QuestRow> {
    const number = parseQuestNumber(ref);
    if (number !== null) {
      const [row] = await this.em.execute<QuestRow[]>(`select ${QUEST_COLUMNS} from quests q where q.user_id = ? and q.number = ?`, [userId, number]);
      if (!row) throw new NotFoundError(`Quest #${number} not found.`);
      return row;
    }
    const fragment = ref.trim();
    const rows = await this.em.execute<QuestRow[]>(
      `select ${QUEST_COLUMNS} from quests q
       where q.user_id = ? and q.title ilike ? escape '\\'
       order by (lower(q.title) = lower(?)) desc, (q.status in ('COMPLETED', 'ARCHIVED')) asc, q.number desc
       limit 6`,
      [userId, `%${escapeLike(fragment)}%`, fragment],
    );
    if (!rows.length) throw new NotFoundError(`No quest matches "${fragment}".`);
    const exact = rows.filter((r) => r.title.toLowerCase() === fragment.toLowerCase());
    if (exact.length === 1 || rows.length === 1) return exact[0] ?? rows[0]!;
    const open = rows.filter((r) => r.status !== 'COMPLETED' && r.status !== 'ARCHIVED');
    if (open.length === 1 && exact.length === 0) return open[0]!;
    const shown = rows.slice(0, 5).map((r) => `#${r.number} ${r.title}`);
    throw new ConflictError(`"${fragment}" matches several quests: ${shown.join('; ')}${rows.length > 5 ? '; …' : ''}. Name one by its number.`);
  }

  async getDetail(userId: string, questId: string): Promise<QuestDetail> {
    const [quest] = await this.em.execute<QuestRow[]>(`select ${QUEST_COLUMNS} from quests q where q.user_id = ? and q.id = ?`, [userId, questId]);
    if (!quest) throw new NotFoundError('Quest not found.');
    const [category, project, tags, steps, blockers] = await Promise.all([
      quest.categoryId
        ? this.em.execute<{ name: string; color: string }[]>('select name, color from quest_categories where id = ? and user_id = ?', [quest.categoryId, userId])
        : Promise.resolve([]),
      quest.projectId ? this.em.execute<{ name: string }[]>('select name from projects where id = ? and user_id = ?', [quest.projectId, userId]) : Promise.resolve([]),
      this.em.execute<{ name: string; color: string }[]>(
        'select t.name, t.color from quest_tags qt join tags t on t.id = qt.tag_id where qt.quest_id = ? and t.user_id = ? order by lower(t.name)',
        [questId, userId],
      ),
      this.em.execute<{ id: string; title: string; completed: boolean; orderIndex: number }[]>(
        'select id, title, completed, order_index as "orderIndex" from quest_steps where quest_id = ? order by order_index',
        [questId],
      ),
      this.unfinishedPrerequisites(questId, ['sequential', 'resource', 'time']),
    ]);
    return { ...quest, category: category[0] ?? null, project: project[0] ?? null, tags, steps, blockers };
  }

  async viewQuest(userId: string, ref: string): Promise<QuestDetail> {
    const quest = await this.resolveQuest(userId, ref);
    return this.getDetail(userId, quest.id);
  }

  /** Prerequisites not yet completed, of the given dependency types. */
  async unfinishedPrerequisites(questId: string, types: string[]): Promise<Array<{ number: number; title: string; type: string }>> {
    return this.em.execute(
      `select p.number, p.title, d.dependency_type as type
       from quest_dependencies d join quests p on p.id = d.prerequisite_quest_id
       where d.dependent_quest_id = ? and p.status <> 'COMPLETED'
         and d.dependency_type in (select jsonb_array_elements_text(?::jsonb))
       order by p.number`,
      [questId, JSON.stringify(types)],
    );
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
      `select number, title, status from quests
       where user_id = ? and (? = '' or title ilike ? escape '\\')
       order by (status in ('COMPLETED', 'ARCHIVED')) asc, ${PRIORITY_ORDER.replace(/q\./g, '')} desc, number desc limit ?`,
      [userId, text, `%${escapeLike(text)}%`, limit],
    );
  }
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
    throw new NotFoundError(`No ${label} named "${name.trim()}". Create it with \`/${label} create ${name.trim()}\` or see \`/${label} list\`.`);
  }
  return row.id;
}

/** Attaches tags by name, creating the user's missing tags on the fly (names unique ignoring case). */
export async function attachTags(em: EntityManager, userId: string, questId: string, names: string[]): Promise<string[]> {
  const unique = [...new Map(names.map((n) => [n.trim().toLowerCase(), n.trim()])).values()].filter(Boolean);
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

export { PRIORITY_RANK };
