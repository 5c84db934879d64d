import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, metadata, timestamp, uuidPk } from '../columns.js';
import { User } from '../user/user.entity.js';
import { Quest } from '../quest/quest.entity.js';

export const AiSuggestion = defineEntity({
  name: 'AiSuggestion',
  tableName: 'ai_suggestions',
  properties: {
    id: uuidPk(),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade'),
    questId: p.manyToOne(Quest).mapToPk().fieldName('quest_id').deleteRule('cascade').nullable(),
    suggestionType: p.string().length(50),
    suggestionData: p.json<Record<string, unknown>>().columnType('jsonb'),
    confidenceScore: p.decimal('number').precision(3).scale(2).nullable(),
    wasAccepted: p.boolean().nullable(),
    createdAt: createdAt(),
    expiresAt: timestamp().nullable(),
    metadata: metadata(),
  },
  indexes: [
    { name: 'idx_ai_suggestions_user_id', properties: ['userId'] },
    { name: 'idx_ai_suggestions_quest_id', properties: ['questId'] },
    { name: 'idx_ai_suggestions_type', properties: ['suggestionType'] },
    { name: 'idx_ai_suggestions_created_at', properties: ['createdAt'] },
    { name: 'idx_ai_suggestions_expires_at', properties: ['expiresAt'] },
  ],
  checks: [{ name: 'ai_suggestions_confidence_score_check', expression: 'confidence_score >= 0 and confidence_score <= 1' }],
});
export type IAiSuggestion = InferEntity<typeof AiSuggestion>;
