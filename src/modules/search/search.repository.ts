import type { EntityManager } from '@mikro-orm/postgresql';
import type { QuestStatus } from '../columns.js';

export interface SearchHit {
  number: number;
  title: string;
  status: QuestStatus;
  rank: number;
  /** The matching passage with `**` around the matched words. */
  snippet: string | null;
}

/** Reads the full-text documents the database keeps for each quest (migration 000401). */
export class SearchRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * The user's quests of every status matching `words` (web search syntax: words,
   * "phrases", -excluded, or), best first. Only the user's own documents are read.
   */
  async searchQuests(userId: string, words: string, limit: number): Promise<SearchHit[]> {
    // raw: websearch_to_tsquery, the @@ match on the GIN-indexed tsvector, ts_rank and ts_headline have no entity-API form
    const rows = await this.em.execute<Array<{ number: number; title: string; status: QuestStatus; rank: number; snippet: string | null }>>(
      `select q.number, q.title, q.status, ts_rank(d.document, query) as rank,
         case when q.description is not null and to_tsvector('english', q.description) @@ query
           then ts_headline('english', q.description, query, 'StartSel=**, StopSel=**, MaxWords=14, MinWords=5, MaxFragments=1') end as snippet
       from quest_search_documents d
       join quests q on q.id = d.quest_id and q.user_id = d.user_id,
         websearch_to_tsquery('english', ?) as query
       where d.user_id = ? and d.document @@ query
       order by rank desc, q.number desc
       limit ?`,
      [words, userId, limit],
    );
    return rows.map((r) => ({ ...r, rank: Number(r.rank) }));
  }
}
