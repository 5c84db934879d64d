import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, plain } from '../../core/errors.js';
import { escapeMarkdown as md } from '../../core/markdown.js';
import { logBehavior } from '../analytics/behavior-log.service.js';
import { attachTags, type QuestDetail, type QuestService } from '../quest/quest.service.js';

export interface TagRow {
  id: string;
  name: string;
  color: string;
  /** How many quests carry the tag. */
  quests: number;
}

/** Tag verbs. Names are unique per user ignoring case; other users' tags and quests are "not found". */
export class TagService {
  constructor(
    private readonly em: EntityManager,
    private readonly quests: QuestService,
  ) {}

  async createTag(userId: string, name: string, color?: string): Promise<TagRow> {
    return this.em.transactional(async (tx) => {
      const [row] = await tx.execute<TagRow[]>(
        `insert into tags (user_id, name${color ? ', color' : ''}) values (?, ?${color ? ', ?' : ''})
         on conflict (user_id, lower(name)) do nothing returning id, name, color, 0 as quests`,
        color ? [userId, name, color] : [userId, name],
      );
      if (!row) {
        const existing = await this.findTag(tx, userId, name);
        throw new ConflictError(plain(`You already have the tag "${md(existing.name)}". See \`/tag list\`.`));
      }
      await logBehavior(tx, userId, 'tag_created', { tagId: row.id, name, color: row.color });
      return row;
    });
  }

  /** Deletes the tag and takes it off every quest; returns it with the number of quests it was on. */
  async deleteTag(userId: string, name: string): Promise<TagRow> {
    return this.em.transactional(async (tx) => {
      const tag = await this.findTag(tx, userId, name);
      await tx.execute('delete from tags where id = ? and user_id = ?', [tag.id, userId]);
      await logBehavior(tx, userId, 'tag_deleted', { tagId: tag.id, name: tag.name, quests: tag.quests });
      return tag;
    });
  }

  async listTags(userId: string): Promise<TagRow[]> {
    return this.em.execute<TagRow[]>(
      `select t.id, t.name, t.color, count(qt.quest_id)::int as quests
       from tags t left join quest_tags qt on qt.tag_id = t.id
       where t.user_id = ? group by t.id order by lower(t.name)`,
      [userId],
    );
  }

  /** Tags a quest, creating tags the user does not have yet. */
  async tagQuest(userId: string, questRef: string, names: string[]): Promise<{ quest: QuestDetail; added: string[]; created: string[] }> {
    const quest = await this.quests.resolveQuest(userId, questRef);
    const given = names.map((n) => n.toLowerCase());
    const { added, created } = await this.em.transactional(async (tx) => {
      const before = await tx.execute<{ name: string; attached: boolean }[]>(
        `select lower(t.name) as name, exists (select 1 from quest_tags qt where qt.tag_id = t.id and qt.quest_id = ?) as attached
         from tags t where t.user_id = ? and lower(t.name) in (select jsonb_array_elements_text(?::jsonb))`,
        [quest.id, userId, JSON.stringify(given)],
      );
      const known = new Map(before.map((t) => [t.name, t.attached]));
      // In the order the user gave them, whatever order the database returns.
      const attached = (await attachTags(tx, userId, quest.id, names)).sort((a, b) => given.indexOf(a.toLowerCase()) - given.indexOf(b.toLowerCase()));
      const result = {
        added: attached.filter((n) => !known.get(n.toLowerCase())),
        created: attached.filter((n) => !known.has(n.toLowerCase())),
      };
      await logBehavior(tx, userId, 'quest_tagged', { questId: quest.id, tags: attached, ...result });
      return result;
    });
    return { quest: await this.quests.getDetail(userId, quest.id), added, created };
  }

  /** Takes one tag off a quest; the tag itself stays. */
  async untagQuest(userId: string, questRef: string, name: string): Promise<{ quest: QuestDetail; name: string }> {
    const quest = await this.quests.resolveQuest(userId, questRef);
    const removed = await this.em.transactional(async (tx) => {
      const tag = await this.findTag(tx, userId, name);
      const rows = await tx.execute<unknown[]>('delete from quest_tags where quest_id = ? and tag_id = ? returning tag_id', [quest.id, tag.id]);
      if (!rows.length) throw new ConflictError(plain(`Quest #${quest.number} is not tagged "${md(tag.name)}".`));
      await logBehavior(tx, userId, 'quest_untagged', { questId: quest.id, tagId: tag.id, name: tag.name });
      return tag.name;
    });
    return { quest: await this.quests.getDetail(userId, quest.id), name: removed };
  }

  private async findTag(em: EntityManager, userId: string, name: string): Promise<TagRow> {
    const [tag] = await em.execute<TagRow[]>(
      `select t.id, t.name, t.color, (select count(*)::int from quest_tags qt where qt.tag_id = t.id) as quests
       from tags t where t.user_id = ? and lower(t.name) = lower(?)`,
      [userId, name],
    );
    if (!tag) throw new NotFoundError(plain(`No tag named "${md(name)}". See \`/tag list\`.`));
    return tag;
  }
}
