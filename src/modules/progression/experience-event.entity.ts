import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, metadata, uuidPk } from '../columns.js';
import { User } from '../user/user.entity.js';
import { Quest } from '../quest/quest.entity.js';

/** The XP ledger: every change of a user's XP is one row. */
export const ExperienceEvent = defineEntity({
  name: 'ExperienceEvent',
  tableName: 'experience_events',
  properties: {
    id: uuidPk(),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade'),
    questId: p.manyToOne(Quest).mapToPk().fieldName('quest_id').deleteRule('set null').nullable(),
    amount: p.integer(),
    /** `quest`, `achievement` or `undo`. */
    reason: p.string().length(50),
    createdAt: createdAt(),
    /** What the change was made of: for `quest`, what undo needs to step back exactly. */
    details: metadata(),
  },
  indexes: [
    { name: 'idx_experience_events_user_created', properties: ['userId', 'createdAt'] },
    { name: 'idx_experience_events_quest_id', properties: ['questId'] },
    { name: 'idx_experience_events_created_at', properties: ['createdAt'] },
  ],
});
export type IExperienceEvent = InferEntity<typeof ExperienceEvent>;
