import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, ValidationError, plain } from '../../core/errors.js';
import { escapeMarkdown as md } from '../../core/markdown.js';
import { logBehavior } from '../analytics/behavior-log.service.js';
import { findOwnedByName } from '../quest/quest.service.js';

/**
 * Categories and projects are both named groups of a user's quests, with a
 * colour and a description, unique per user ignoring case. This store holds
 * what they share; the services add what differs (projects archive).
 */
export interface GroupKind {
  table: 'quest_categories' | 'projects';
  label: 'category' | 'project';
  /** The quests column that points at the group (ON DELETE SET NULL). */
  column: 'category_id' | 'project_id';
  archivable: boolean;
}

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

export class QuestGroupStore {
  constructor(
    private readonly em: EntityManager,
    private readonly kind: GroupKind,
  ) {}

  async create(userId: string, input: GroupChanges & { name: string }): Promise<QuestGroup> {
    const { table, label } = this.kind;
    const columns = Object.entries({ name: input.name, color: input.color, description: input.description }).filter(([, v]) => v !== undefined);
    const id = await this.em.transactional(async (tx) => {
      const [row] = await tx.execute<{ id: string }[]>(
        `insert into ${table} (user_id, ${columns.map(([c]) => c).join(', ')}) values (?, ${columns.map(() => '?').join(', ')})
         on conflict (user_id, lower(name)) do nothing returning id`,
        [userId, ...columns.map(([, v]) => v)],
      );
      if (!row) {
        const [existing] = await tx.execute<{ name: string }[]>(`select name from ${table} where user_id = ? and lower(name) = lower(?)`, [userId, input.name]);
        throw new ConflictError(plain(`You already have a ${label} named "${md(existing?.name ?? input.name)}". See \`/${label} list\`.`));
      }
      await logBehavior(tx, userId, `${label}_created`, { id: row.id, name: input.name });
      return row.id;
    });
    return this.get(this.em, userId, id);
  }

  async list(userId: string, options: { includeArchived?: boolean } = {}): Promise<QuestGroup[]> {
    const { archivable } = this.kind;
    const where = archivable && !options.includeArchived ? 'g.user_id = ? and not g.archived' : 'g.user_id = ?';
    return this.em.execute<QuestGroup[]>(this.query(where, archivable ? 'g.archived, lower(g.name)' : 'lower(g.name)'), [userId]);
  }

  async find(userId: string, name: string): Promise<QuestGroup> {
    return this.get(this.em, userId, await findOwnedByName(this.em, this.kind.table, userId, name, this.kind.label));
  }

  /** Applies the given changes; a new name must not belong to another of the user's groups. */
  async update(userId: string, name: string, changes: GroupChanges): Promise<{ before: QuestGroup; after: QuestGroup }> {
    const { table, label } = this.kind;
    const set = Object.entries(changes).filter(([, v]) => v !== undefined);
    if (!set.length) throw new ValidationError(plain(`Nothing to change: give a new \`name\`, \`color\` or \`description\`.`));
    try {
      return await this.em.transactional(async (tx) => {
        const before = await this.get(tx, userId, await findOwnedByName(tx, table, userId, name, label));
        await tx.execute(`update ${table} set ${set.map(([c]) => `${c} = ?`).join(', ')} where id = ? and user_id = ?`, [...set.map(([, v]) => v), before.id, userId]);
        await logBehavior(tx, userId, `${label}_updated`, { id: before.id, changes: Object.fromEntries(set) });
        return { before, after: await this.get(tx, userId, before.id) };
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ConflictError(plain(`You already have a ${label} named "${md(changes.name ?? name)}". Pick another \`name\`.`));
      }
      throw error;
    }
  }

  /** Deletes the group; its quests stay, without it. Returns the group as it was. */
  async delete(userId: string, name: string): Promise<QuestGroup> {
    const { table, label, column } = this.kind;
    return this.em.transactional(async (tx) => {
      const group = await this.get(tx, userId, await findOwnedByName(tx, table, userId, name, label));
      // The foreign key would clear the column too; doing it here counts the quests exactly.
      const [cleared] = await tx.execute<{ n: number }[]>(
        `with cleared as (update quests set ${column} = null where ${column} = ? and user_id = ? returning 1) select count(*)::int as n from cleared`,
        [group.id, userId],
      );
      await tx.execute(`delete from ${table} where id = ? and user_id = ?`, [group.id, userId]);
      await logBehavior(tx, userId, `${label}_deleted`, { id: group.id, name: group.name, quests: cleared!.n });
      return { ...group, quests: cleared!.n };
    });
  }

  private async get(em: EntityManager, userId: string, id: string): Promise<QuestGroup> {
    const [row] = await em.execute<QuestGroup[]>(this.query('g.user_id = ? and g.id = ?'), [userId, id]);
    return row!;
  }

  /** Groups with how many quests they hold, and how many of those are still open. */
  private query(where: string, orderBy?: string): string {
    const { table, column, archivable } = this.kind;
    return `select g.id, g.name, g.color, g.description, ${archivable ? 'g.archived' : 'false'} as archived,
        count(q.id)::int as quests,
        (count(q.id) filter (where q.status in ('DRAFT', 'ACTIVE', 'IN_PROGRESS')))::int as "openQuests"
      from ${table} g left join quests q on q.${column} = g.id and q.user_id = g.user_id
      where ${where}
      group by g.id${orderBy ? ` order by ${orderBy}` : ''}`;
  }
}
