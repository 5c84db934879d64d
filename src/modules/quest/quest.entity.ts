import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, DEPENDENCY_TYPES, DIFFICULTIES, metadata, PRIORITIES, QUEST_STATUSES, questChildOwner, timestamp, updatedAt, uuidPk } from '../columns.js';
import { User } from '../user/user.entity.js';
import { Category } from '../category/category.entity.js';
import { Project } from '../project/project.entity.js';
import { QuestStep } from '../step/step.entity.js';
import { QuestTag, Tag } from '../tag/tag.entity.js';
import { QuestSeries } from './recurrence.entity.js';

export const Quest = defineEntity({
  name: 'Quest',
  tableName: 'quests',
  properties: {
    id: uuidPk(),
    /** Per-user sequence shown as `#12`. */
    number: p.integer(),
    title: p.string().length(255),
    description: p.text().nullable(),
    difficulty: p.enum([...DIFFICULTIES]),
    status: p.enum([...QUEST_STATUSES]).default('DRAFT'),
    estimatedDuration: p.integer(),
    actualDuration: p.integer().nullable(),
    priority: p.enum([...PRIORITIES]).default('MEDIUM'),
    experiencePoints: p.integer().default(0),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade'),
    category: p.manyToOne(Category).ref().fieldName('category_id').deleteRule('set null').nullable(),
    project: p.manyToOne(Project).ref().fieldName('project_id').deleteRule('set null').nullable(),
    /** The checklist, in order. */
    steps: () => p.oneToMany(QuestStep).mappedBy('quest').orderBy({ orderIndex: 'asc', createdAt: 'asc', id: 'asc' }),
    tags: () =>
      p
        .manyToMany(Tag)
        .pivotEntity(() => QuestTag)
        .owner(),
    /** What this quest waits on. */
    prerequisites: () => p.oneToMany(QuestDependency).mappedBy('dependent'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    startedAt: timestamp().nullable(),
    completedAt: timestamp().nullable(),
    /** When it is due (issue 11); null when it has no due date. */
    dueAt: timestamp().nullable(),
    /** The recurring series this quest is an occurrence of (issue 11). */
    seriesId: p.manyToOne(QuestSeries).mapToPk().fieldName('series_id').deleteRule('set null').nullable(),
    /** The due time the last due-soon notice was written for (a moved due date is announced again). */
    dueNotifiedFor: timestamp().nullable(),
  },
  uniques: [{ name: 'quests_user_number_unique', properties: ['userId', 'number'] }],
  indexes: [
    { name: 'idx_quests_user_id', properties: ['userId'] },
    { name: 'idx_quests_status', properties: ['status'] },
    { name: 'idx_quests_created_at', properties: ['createdAt'] },
    { name: 'idx_quests_category_id', properties: ['category'] },
    { name: 'idx_quests_project_id', properties: ['project'] },
    { name: 'idx_quests_user_status', properties: ['userId', 'status'] },
    { name: 'idx_quests_user_completed_at', properties: ['userId', 'completedAt'] },
    { name: 'idx_quests_user_due_at', properties: ['userId', 'dueAt'] },
    { name: 'idx_quests_series_id', properties: ['seriesId'] },
    {
      name: 'quests_series_one_open',
      expression: `create unique index "quests_series_one_open" on "quests" ("series_id") where series_id is not null and status in ('DRAFT', 'ACTIVE', 'IN_PROGRESS')`,
    },
    {
      name: 'idx_quests_due_soon',
      expression: `create index "idx_quests_due_soon" on "quests" ("due_at") where due_at is not null and status in ('DRAFT', 'ACTIVE', 'IN_PROGRESS')`,
    },
  ],
  checks: [
    { name: 'quests_estimated_duration_check', expression: 'estimated_duration > 0 and estimated_duration <= 1440' },
    { name: 'quests_actual_duration_check', expression: 'actual_duration is null or actual_duration >= 0' },
  ],
});
export type IQuest = InferEntity<typeof Quest>;

export const QuestDependency = defineEntity({
  name: 'QuestDependency',
  tableName: 'quest_dependencies',
  properties: {
    id: uuidPk(),
    dependent: () => p.manyToOne(Quest).ref().fieldName('dependent_quest_id').deleteRule('cascade'),
    prerequisite: () => p.manyToOne(Quest).ref().fieldName('prerequisite_quest_id').deleteRule('cascade'),
    dependencyType: p.enum([...DEPENDENCY_TYPES]).default('sequential'),
    userId: questChildOwner(),
    createdAt: createdAt(),
  },
  uniques: [{ name: 'quest_dependencies_pair_unique', properties: ['dependent', 'prerequisite'] }],
  indexes: [
    { name: 'idx_quest_dependencies_dependent', properties: ['dependent'] },
    { name: 'idx_quest_dependencies_prerequisite', properties: ['prerequisite'] },
    { name: 'idx_quest_dependencies_type', properties: ['dependencyType'] },
  ],
  checks: [{ name: 'quest_dependencies_not_self_check', expression: 'dependent_quest_id <> prerequisite_quest_id' }],
});
export type IQuestDependency = InferEntity<typeof QuestDependency>;

export const QuestAnalytics = defineEntity({
  name: 'QuestAnalytics',
  tableName: 'quest_analytics',
  properties: {
    id: uuidPk(),
    questId: p.manyToOne(Quest).mapToPk().fieldName('quest_id').deleteRule('cascade'),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade'),
    timeSpentMinutes: p.integer().default(0),
    completionRate: p.decimal('number').precision(5).scale(2).nullable(),
    difficultyRating: p.integer().nullable(),
    satisfactionRating: p.integer().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    metadata: metadata(),
  },
  indexes: [
    { name: 'idx_quest_analytics_quest_id', properties: ['questId'] },
    { name: 'idx_quest_analytics_user_id', properties: ['userId'] },
    { name: 'idx_quest_analytics_completion_rate', properties: ['completionRate'] },
  ],
  checks: [
    { name: 'quest_analytics_difficulty_rating_check', expression: 'difficulty_rating >= 1 and difficulty_rating <= 5' },
    { name: 'quest_analytics_satisfaction_rating_check', expression: 'satisfaction_rating >= 1 and satisfaction_rating <= 5' },
  ],
});
export type IQuestAnalytics = InferEntity<typeof QuestAnalytics>;
