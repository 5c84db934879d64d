import type { EntityManager } from '@mikro-orm/postgresql';
import type { NameSource } from '../../core/options.js';
import { escapeLike } from '../quest/quest.service.js';

const TABLES: Record<NameSource, string> = { category: 'quest_categories', project: 'projects', tag: 'tags' };

/** The user's own category, project or tag names starting with (then containing) `partial`, for autocomplete. */
export async function suggestNames(em: EntityManager, userId: string, source: NameSource, partial: string, limit = 25): Promise<string[]> {
  const text = partial.trim();
  const rows = await em.execute<{ name: string }[]>(
    `select name from ${TABLES[source]}
     where user_id = ? and name ilike ? escape '\\'
     order by (name ilike ? escape '\\') desc, lower(name) limit ?`,
    [userId, `%${escapeLike(text)}%`, `${escapeLike(text)}%`, limit],
  );
  return rows.map((r) => r.name);
}
