import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, timestamp, updatedAt, uuidPk } from '../columns.js';
import { User } from '../user/user.entity.js';

/**
 * A recurring quest's rule (issue 11): RRULE parts (`FREQ=WEEKLY;BYDAY=MO,TH`), the
 * user's IANA zone and DTSTART (the local date and time of day occurrences start from).
 * Its occurrences are quests with `series_id` set, at most one of them open.
 */
export const QuestSeries = defineEntity({
  name: 'QuestSeries',
  tableName: 'quest_series',
  properties: {
    id: uuidPk(),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade'),
    rrule: p.string().length(255),
    timezone: p.string().length(64),
    dtstart: timestamp(),
    /** Paused: completing makes no next occurrence and the open one does not roll. */
    paused: p.boolean().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [{ name: 'idx_quest_series_user_id', properties: ['userId'] }],
});
export type IQuestSeries = InferEntity<typeof QuestSeries>;
