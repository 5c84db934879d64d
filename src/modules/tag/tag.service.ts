import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { QuestDetail, QuestService } from '../quest/quest.service.js';
import { tagMessages } from './tag.messages.js';
import { TagRepository, type TagSummary } from './tag.repository.js';
import { orderAsGiven, uniqueNames } from './tag.rules.js';

export type TagRow = TagSummary;

/** Tag verbs. Names are unique per user ignoring case; other users' tags and quests are "not found". */
export class TagService {
  private readonly tags: TagRepository;

  constructor(
    em: EntityManager,
    private readonly quests: QuestService,
  ) {
    this.tags = new TagRepository(em);
  }

  async createTag(userId: string, name: string, color?: string): Promise<TagRow> {
    return this.tags.transactional(async (tags) => {
      const row = await tags.createIfNew(userId, name, color);
      if (!row) throw new ConflictError(tagMessages.exists({ name: (await tags.findByName(userId, name))?.name ?? name }));
      await tags.logAction({ userId, actionType: 'tag_created', actionData: { tagId: row.id, name, color: row.color } });
      return row;
    });
  }

  /** Deletes the tag and takes it off every quest; returns it with the number of quests it was on. */
  async deleteTag(userId: string, name: string): Promise<TagRow> {
    return this.tags.transactional(async (tags) => {
      const tag = await findTag(tags, userId, name);
      await tags.delete(userId, tag.id);
      await tags.logAction({ userId, actionType: 'tag_deleted', actionData: { tagId: tag.id, name: tag.name, quests: tag.quests } });
      return tag;
    });
  }

  async listTags(userId: string): Promise<TagRow[]> {
    return this.tags.list(userId);
  }

  /** Tags a quest, creating tags the user does not have yet. */
  async tagQuest(userId: string, questRef: string, names: string[]): Promise<{ quest: QuestDetail; added: string[]; created: string[] }> {
    const quest = await this.quests.resolveQuest(userId, questRef);
    const { added, created } = await this.tags.transactional(async (tags) => {
      const ensured = await tags.ensure(userId, uniqueNames(names));
      const newlyOn = await tags.attach(
        quest.id,
        ensured.tags.map((t) => t.id),
      );
      // In the order the user gave them, whatever order the database returns.
      const attached = orderAsGiven(ensured.tags, names);
      const result = {
        added: attached.filter((t) => newlyOn.has(t.id)).map((t) => t.name),
        // Only tags this request inserted: a concurrent request may have created the others.
        created: attached.filter((t) => ensured.created.has(t.id)).map((t) => t.name),
      };
      await tags.logAction({ userId, actionType: 'quest_tagged', actionData: { questId: quest.id, tags: attached.map((t) => t.name), ...result } });
      return result;
    });
    return { quest: await this.quests.getDetail(userId, quest.id), added, created };
  }

  /** Takes one tag off a quest; the tag itself stays. */
  async untagQuest(userId: string, questRef: string, name: string): Promise<{ quest: QuestDetail; name: string }> {
    const quest = await this.quests.resolveQuest(userId, questRef);
    const removed = await this.tags.transactional(async (tags) => {
      const tag = await findTag(tags, userId, name);
      if (!(await tags.detach(quest.id, tag.id))) throw new ConflictError(tagMessages.not_on_quest({ number: quest.number, name: tag.name }));
      await tags.logAction({ userId, actionType: 'quest_untagged', actionData: { questId: quest.id, tagId: tag.id, name: tag.name } });
      return tag.name;
    });
    return { quest: await this.quests.getDetail(userId, quest.id), name: removed };
  }
}

async function findTag(tags: TagRepository, userId: string, name: string): Promise<TagRow> {
  const tag = await tags.findByName(userId, name);
  if (!tag) throw new NotFoundError(tagMessages.not_found({ name }));
  return tag;
}
