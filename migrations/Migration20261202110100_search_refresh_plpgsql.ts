import { Migration } from '@mikro-orm/migrations';

const REFRESH = `
        insert into quest_search_documents (quest_id, user_id, document)
        select q.id, q.user_id,
          setweight(to_tsvector('english', q.title), 'A')
          || setweight(to_tsvector('english', coalesce(q.description, '')), 'B')
          || setweight(to_tsvector('english', coalesce((select string_agg(s.title, ' ' order by s.order_index) from quest_steps s where s.quest_id = q.id), '')), 'C')
        from quests q where q.id = qid
        on conflict (quest_id) do update set document = excluded.document, user_id = excluded.user_id`;

/**
 * The search document refresh (migration 20261202000401) becomes PL/pgSQL:
 * a LANGUAGE sql function called from a trigger is parsed and planned again
 * on every call, a PL/pgSQL one keeps its plan for the session. Creating a
 * quest or adding a step runs it once per row. The title and description
 * trigger on quests also fires only when one of them really changed (an
 * UPDATE that sets them to the same text no longer rewrites the document).
 */
export class Migration20261202110100_search_refresh_plpgsql extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create or replace function quest_search_refresh(qid uuid) returns void language plpgsql as $fn$
      begin${REFRESH};
      end $fn$;`);
    this.addSql(`drop trigger if exists "quests_search_refresh" on "quests";`);
    this.addSql(`create trigger "quests_search_refresh_insert" after insert on "quests" for each row execute function quests_search_refresh();`);
    this.addSql(
      `create trigger "quests_search_refresh_update" after update of title, description on "quests" for each row when (old.title is distinct from new.title or old.description is distinct from new.description) execute function quests_search_refresh();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "quests_search_refresh_insert" on "quests";`);
    this.addSql(`drop trigger if exists "quests_search_refresh_update" on "quests";`);
    this.addSql(
      `create trigger "quests_search_refresh" after insert or update of title, description on "quests" for each row execute function quests_search_refresh();`,
    );
    this.addSql(`
      create or replace function quest_search_refresh(qid uuid) returns void language sql as $fn$${REFRESH}
      $fn$;`);
  }
}
