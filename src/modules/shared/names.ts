import type { EntityManager } from '@mikro-orm/postgresql';
import type { NameSource } from '../../core/options.js';
import { TagRepository } from '../tag/tag.repository.js';
import { QuestGroupRepository } from './quest-group.repository.js';

/** The user's own category, project or tag names containing `partial` (those starting with it first), for autocomplete. */
export async function suggestNames(em: EntityManager, userId: string, source: NameSource, partial: string, limit = 25): Promise<string[]> {
  const text = partial.trim();
  if (source === 'tag') return new TagRepository(em).suggestNames(userId, text, limit);
  return new QuestGroupRepository(em, source).suggestNames(userId, text, limit);
}
