import { sql } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BehaviorLogRepository, type BehaviorEntry } from '../analytics/behavior-log.repository.js';
import { escapeLike } from '../shared/like.js';
import { QuestTag, Tag } from './tag.entity.js';

/** A tag with how many quests carry it. */
export interface TagSummary {
  id: string;
  name: string;
  color: string;
  quests: number;
}

/** Tags and the quest-tag pivot: the tag feature's only access to the database. */
export class TagRepository {
  private readonly log: BehaviorLogRepository;

  constructor(private readonly em: EntityManager) {
    this.log = new BehaviorLogRepository(em);
  }

  /** Runs `work` in one transaction, against a repository bound to it. */
  async transactional<T>(work: (tags: TagRepository) => Promise<T>): Promise<T> {
    return this.em.transactional((tx) => work(new TagRepository(tx)));
  }

  async logAction(entry: BehaviorEntry): Promise<void> {
    await this.log.append(entry);
  }

  /** Creates the tag unless the user has one of that name (ignoring case); null when they do. */
  async createIfNew(userId: string, name: string, color?: string): Promise<TagSummary | null> {
    const [row] = await this.em
      .createQueryBuilder(Tag)
      .insert({ userId, name, ...(color ? { color } : {}) })
      .onConflict(sql`("user_id", lower("name"))`)
      .ignore()
      .returning(['id', 'name', 'color'])
      .execute<Array<{ id: string; name: string; color: string }>>('all', false);
    return row ? { id: row.id, name: row.name, color: row.color, quests: 0 } : null;
  }

  /**
   * Creates the tags of `names` the user does not have yet (names unique ignoring
   * case) and returns all of them; `created` holds the ids this call inserted, so
   * a tag another request created at the same moment is not reported as new here.
   */
  async ensure(userId: string, names: string[]): Promise<{ tags: Array<{ id: string; name: string }>; created: Set<string> }> {
    if (!names.length) return { tags: [], created: new Set() };
    const inserted = await this.em
      .createQueryBuilder(Tag)
      .insert(names.map((name) => ({ userId, name })))
      .onConflict(sql`("user_id", lower("name"))`)
      .ignore()
      .returning(['id'])
      .execute<Array<{ id: string }>>('all', false);
    const tags = await this.em.find(
      Tag,
      { userId, [sql.lower('name')]: { $in: names.map((n) => n.toLowerCase()) } },
      { fields: ['id', 'name'] },
    );
    return { tags: tags.map((t) => ({ id: t.id, name: t.name })), created: new Set(inserted.map((r) => r.id)) };
  }

  /** Puts tags on a quest; returns the ids of those it was not carrying yet. */
  async attach(questId: string, tagIds: string[]): Promise<Set<string>> {
    if (!tagIds.length) return new Set();
    const rows = await this.em
      .createQueryBuilder(QuestTag)
      .insert(tagIds.map((tag) => ({ quest: questId, tag })))
      .onConflict(['quest', 'tag'])
      .ignore()
      .returning(['tag'])
      .execute<Array<{ tag_id: string }>>('all', false);
    return new Set(rows.map((r) => r.tag_id));
  }

  /** Takes a tag off a quest; false when the quest did not carry it. */
  async detach(questId: string, tagId: string): Promise<boolean> {
    return (await this.em.nativeDelete(QuestTag, { quest: questId, tag: tagId })) > 0;
  }

  async findByName(userId: string, name: string): Promise<TagSummary | null> {
    const [tag] = await this.summaries(userId, name);
    return tag ?? null;
  }

  async list(userId: string): Promise<TagSummary[]> {
    return this.summaries(userId);
  }

  async delete(userId: string, id: string): Promise<void> {
    await this.em.nativeDelete(Tag, { id, userId });
  }

  /** The user's tag names containing `text` (those starting with it first), for autocomplete. */
  async suggestNames(userId: string, text: string, limit: number): Promise<string[]> {
    const tags = await this.em.find(
      Tag,
      { userId, name: { $ilike: `%${escapeLike(text)}%` } },
      { fields: ['name'], orderBy: { [sql`(${sql.ref('name')} ilike ${`${escapeLike(text)}%`})`]: 'desc', [sql.lower('name')]: 'asc' }, limit },
    );
    return tags.map((t) => t.name);
  }

  private async summaries(userId: string, name?: string): Promise<TagSummary[]> {
    const quests = this.em.createQueryBuilder(QuestTag, 'qt').count().where({ tag: sql.ref('t.id') });
    const rows = await this.em
      .createQueryBuilder(Tag, 't')
      .select(['id', 'name', 'color', quests.as('quests')])
      .where({ userId, ...(name === undefined ? {} : { [sql.lower('name')]: sql`lower(${name})` }) })
      .orderBy({ [sql.lower('name')]: 'asc' })
      .execute<Array<{ id: string; name: string; color: string; quests: string | number }>>('all', false);
    return rows.map((r) => ({ id: r.id, name: r.name, color: r.color, quests: Number(r.quests) }));
  }
}
