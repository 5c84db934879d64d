import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, metadata, questChildOwner, uuidPk } from '../columns.js';
import { User } from '../user/user.entity.js';
import { Quest } from '../quest/quest.entity.js';

export const Tag = defineEntity({
  name: 'Tag',
  tableName: 'tags',
  properties: {
    id: uuidPk(),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade'),
    name: p.string().length(50),
    color: p.string().length(7).default('#6B7280'),
    createdAt: createdAt(),
    metadata: metadata(),
  },
  indexes: [
    { name: 'idx_tags_user_id', properties: ['userId'] },
    { name: 'idx_tags_name', properties: ['name'] },
    { name: 'tags_user_name_unique', expression: 'create unique index "tags_user_name_unique" on "tags" ("user_id", lower("name"))' },
  ],
  checks: [{ name: 'tags_color_check', expression: "color ~ '^#[0-9A-Fa-f]{6}$'" }],
});
export type ITag = InferEntity<typeof Tag>;

export const QuestTag = defineEntity({
  name: 'QuestTag',
  tableName: 'quest_tags',
  properties: {
    quest: () => p.manyToOne(Quest).ref().fieldName('quest_id').deleteRule('cascade').primary(),
    tag: () => p.manyToOne(Tag).ref().fieldName('tag_id').deleteRule('cascade').primary(),
    userId: questChildOwner(),
    createdAt: createdAt(),
  },
  primaryKeys: ['quest', 'tag'],
  indexes: [
    { name: 'idx_quest_tags_quest_id', properties: ['quest'] },
    { name: 'idx_quest_tags_tag_id', properties: ['tag'] },
  ],
});
export type IQuestTag = InferEntity<typeof QuestTag>;
