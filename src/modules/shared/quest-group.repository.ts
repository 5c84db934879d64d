import { sql } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BehaviorLogRepository, type BehaviorEntry } from '../analytics/behavior-log.repository.js';
import { Category } from '../category/category.entity.js';
import { Project } from '../project/project.entity.js';
import { Quest } from '../quest/quest.entity.js';
import { OPEN_STATUSES } from '../quest/quest.rules.js';
import { escapeLike } from './like.js';

export type GroupLabel = 'category' | 'project';

/** A category or project with how many quests it holds, and how many of those are open. */
export interface QuestGroup {
  id: string;
  name: string;
  color: string;
  description: string | null;
  archived: boolean;
  quests: number;
  openQuests: number;
}

export interface GroupChanges {
  name?: string;
  color?: string;
  description?: string;
}

const ENTITY = { category: Category, project: Project } as const;

/**
 * Categories and projects, both named groups of a user's quests (unique per
 * user ignoring case): their features' only access to the database. `label`
 * picks the entity and the quest relation that points at it.
 */
export class QuestGroupRepository {
  private readonly log: BehaviorLogRepository;

  constructor(
    private readonly em: EntityManager,
    private readonly label: GroupLabel,
  ) {
    this.log = new BehaviorLogRepository(em);
  }

  async transactional<T>(work: (groups: QuestGroupRepository) => Promise<T>): Promise<T> {
    return this.em.transactional((tx) => work(new QuestGroupRepository(tx, this.label)));
  }

  async logAction(entry: BehaviorEntry): Promise<void> {
    await this.log.append(entry);
  }

  /** Creates the group unless the user has one of that name; its id, or null when the name is taken. */
  async createIfNew(userId: string, input: GroupChanges & { name: string }): Promise<string | null> {
    const values = Object.fromEntries(Object.entries({ userId, name: input.name, color: input.color, description: input.description }).filter(([, v]) => v !== undefined)) as { userId: string; name: string };
    const [row] = await this.em
      .createQueryBuilder(ENTITY[this.label] as typeof Category)
      .insert(values)
      .onConflict(sql`("user_id", lower("name"))`)
      .ignore()
      .returning(['id'])
      .execute<Array<{ id: string }>>('all', false);
    return row?.id ?? null;
  }

  /** The id of the user's group named `name` (ignoring case), if any. */
  async findId(userId: string, name: string): Promise<string | null> {
    const group = await this.em.findOne(ENTITY[this.label] as typeof Category, { userId, [sql.lower('name')]: sql`lower(${name})` }, { fields: ['id'] });
    return group?.id ?? null;
  }

  async get(userId: string, id: string): Promise<QuestGroup | null> {
    const [group] = await this.summaries({ userId, id });
    return group ?? null;
  }

  /** The user's groups by name; projects can leave the archived out, or list them last. */
  async list(userId: string, includeArchived: boolean): Promise<QuestGroup[]> {
    return this.summaries(this.label === 'project' && !includeArchived ? { userId, archived: false } : { userId });
  }

  /** Applies changes to the user's group; throws MikroORM's unique violation when the new name is taken. */
  async update(userId: string, id: string, changes: GroupChanges): Promise<void> {
    await this.em.nativeUpdate(ENTITY[this.label] as typeof Category, { id, userId }, changes);
  }

  /** Sets a project's archived flag; false when it already had that value. */
  async setArchived(userId: string, id: string, archived: boolean): Promise<boolean> {
    return (await this.em.nativeUpdate(Project, { id, userId, archived: { $ne: archived } }, { archived })) > 0;
  }

  /** Takes the group off the user's quests; how many quests carried it. */
  async clearFromQuests(userId: string, id: string): Promise<number> {
    return this.em.nativeUpdate(Quest, { userId, [this.label]: id }, { [this.label]: null });
  }

  async delete(userId: string, id: string): Promise<void> {
    await this.em.nativeDelete(ENTITY[this.label] as typeof Category, { id, userId });
  }

  /** The user's group names containing `text` (those starting with it first), for autocomplete. */
  async suggestNames(userId: string, text: string, limit: number): Promise<string[]> {
    const groups = await this.em.find(
      ENTITY[this.label] as typeof Category,
      { userId, name: { $ilike: `%${escapeLike(text)}%` } },
      { fields: ['name'], orderBy: { [sql`(${sql.ref('name')} ilike ${`${escapeLike(text)}%`})`]: 'desc', [sql.lower('name')]: 'asc' }, limit },
    );
    return groups.map((g) => g.name);
  }

  private async summaries(where: Record<string, unknown>): Promise<QuestGroup[]> {
    const counted = (alias: string, open: boolean) =>
      this.em
        .createQueryBuilder(Quest, alias)
        .count()
        .where({ [this.label]: sql.ref('g.id'), userId: sql.ref('g.user_id'), ...(open ? { status: { $in: [...OPEN_STATUSES] } } : {}) });
    const archivable = this.label === 'project';
    const rows = await this.em
      .createQueryBuilder(ENTITY[this.label] as typeof Category, 'g')
      .select(['id', 'name', 'color', 'description', ...(archivable ? ['archived'] : []), counted('qa', false).as('quests'), counted('qo', true).as('openQuests')])
      .where(where)
      .orderBy(archivable ? [{ archived: 'asc' } as never, { [sql.lower('name')]: 'asc' }] : { [sql.lower('name')]: 'asc' })
      .execute<Array<Omit<QuestGroup, 'quests' | 'openQuests' | 'archived'> & { archived?: boolean; quests: string | number; openQuests: string | number }>>('all', false);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      color: r.color,
      description: r.description,
      archived: r.archived ?? false,
      quests: Number(r.quests),
      openQuests: Number(r.openQuests),
    }));
  }
}
