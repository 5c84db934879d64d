import { ValidationError } from '../../core/errors.js';
import { defineMessages } from '../../core/messages.js';
import type { SearchHit, SearchRepository } from './search.repository.js';

export const searchMessages = defineMessages('search', {
  no_words: () => '`words` needs at least one word to look for.',
});

export const SEARCH_LIMIT = 15;

/** Full-text search over the user's quest titles, descriptions and step titles. */
export class SearchService {
  constructor(private readonly repository: SearchRepository) {}

  async search(userId: string, words: string): Promise<SearchHit[]> {
    if (!/[\p{L}\p{N}]/u.test(words)) throw new ValidationError(searchMessages.no_words(), { field: 'words' });
    return this.repository.searchQuests(userId, words, SEARCH_LIMIT);
  }
}
