import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { FullTextType } from '@mikro-orm/postgresql';
import { Quest } from '../quest/quest.entity.js';
import { User } from '../user/user.entity.js';

/**
 * The full-text document of one quest: its title (weight A), description (B) and
 * step titles (C). The database keeps it (triggers on quests and quest_steps,
 * migration 000401); the application only reads it.
 */
export const QuestSearchDocument = defineEntity({
  name: 'QuestSearchDocument',
  tableName: 'quest_search_documents',
  properties: {
    questId: p.manyToOne(Quest).mapToPk().fieldName('quest_id').primary().deleteRule('cascade'),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade'),
    document: p.type(FullTextType).columnType('tsvector'),
  },
  indexes: [
    { name: 'idx_quest_search_documents_user_id', properties: ['userId'] },
    { name: 'idx_quest_search_documents_document', properties: ['document'], type: 'fulltext' },
  ],
});
export type IQuestSearchDocument = InferEntity<typeof QuestSearchDocument>;
