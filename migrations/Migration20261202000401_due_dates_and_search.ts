import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 11: `quests.due_at`, and the full-text search document of each quest
 * (title A, description B, step titles C) kept by the database itself: triggers
 * on quests and quest_steps refresh it, a GIN index serves `websearch_to_tsquery`.
 */
export class Migration20261202000401_due_dates_and_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "quests" add column "due_at" timestamptz null;`);
    this.addSql(`create index "idx_quests_user_due_at" on "quests" ("user_id", "due_at");`);

    this.addSql(
      `create table "quest_search_documents" ("quest_id" uuid not null, "user_id" uuid not null, "document" tsvector not null, constraint "quest_search_documents_pkey" primary key ("quest_id"));`,
    );
    this.addSql(
      `alter table "quest_search_documents" add constraint "quest_search_documents_quest_id_foreign" foreign key ("quest_id") references "quests" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "quest_search_documents" add constraint "quest_search_documents_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`create index "idx_quest_search_documents_user_id" on "quest_search_documents" ("user_id");`);
    this.addSql(`create index "idx_quest_search_documents_document" on "quest_search_documents" using gin ("document");`);

    this.addSql(`
      create or replace function quest_search_refresh(qid uuid) returns void language sql as $fn$
        insert into quest_search_documents (quest_id, user_id, document)
        select q.id, q.user_id,
          setweight(to_tsvector('english', q.title), 'A')
          || setweight(to_tsvector('english', coalesce(q.description, '')), 'B')
          || setweight(to_tsvector('english', coalesce((select string_agg(s.title, ' ' order by s.order_index) from quest_steps s where s.quest_id = q.id), '')), 'C')
        from quests q where q.id = qid
        on conflict (quest_id) do update set document = excluded.document, user_id = excluded.user_id
      $fn$;`);
    this.addSql(`
      create or replace function quests_search_refresh() returns trigger language plpgsql as $fn$
      begin
        perform quest_search_refresh(new.id);
        return null;
      end $fn$;`);
    this.addSql(
      `create trigger "quests_search_refresh" after insert or update of title, description on "quests" for each row execute function quests_search_refresh();`,
    );
    this.addSql(`
      create or replace function quest_steps_search_refresh() returns trigger language plpgsql as $fn$
      begin
        if tg_op <> 'INSERT' then perform quest_search_refresh(old.quest_id); end if;
        if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.quest_id <> old.quest_id) then perform quest_search_refresh(new.quest_id); end if;
        return null;
      end $fn$;`);
    this.addSql(
      `create trigger "quest_steps_search_refresh" after insert or update of title, quest_id or delete on "quest_steps" for each row execute function quest_steps_search_refresh();`,
    );
    this.addSql(`select quest_search_refresh(id) from quests;`);
  }
}
