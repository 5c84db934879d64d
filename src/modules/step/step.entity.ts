import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, questChildOwner, timestamp, updatedAt, uuidPk } from '../columns.js';
import { Quest } from '../quest/quest.entity.js';

export const QuestStep = defineEntity({
  name: 'QuestStep',
  tableName: 'quest_steps',
  properties: {
    id: uuidPk(),
    title: p.string().length(255),
    description: p.text().nullable(),
    completed: p.boolean().default(false),
    completedAt: timestamp().nullable(),
    orderIndex: p.integer(),
    quest: () => p.manyToOne(Quest).ref().fieldName('quest_id').deleteRule('cascade'),
    userId: questChildOwner(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [
    { name: 'idx_quest_steps_quest_id', properties: ['quest'] },
    { name: 'idx_quest_steps_quest_order', properties: ['quest', 'orderIndex'] },
  ],
});
export type IQuestStep = InferEntity<typeof QuestStep>;
