import { Migration } from '@mikro-orm/migrations';

/**
 * Gamification bookkeeping: `user_stats` (the counters achievements are evaluated
 * from, backfilled from existing quests and steps), `experience_events.details` (what
 * undo needs to reverse a completion exactly) and `jsonb_add_count`, the one way the
 * counters' JSON maps are incremented and decremented.
 */
export class Migration20261124000041_gamification_counters extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "experience_events" add column "details" jsonb not null default '{}';`);

    this.addSql(
      `create table "user_stats" ("user_id" uuid not null, "completions" int not null default 0, "completions_by_difficulty" jsonb not null default '{}', "completions_by_category" jsonb not null default '{}', "completions_by_minute" jsonb not null default '{}', "steps_done" int not null default 0, "updated_at" timestamptz not null default now(), constraint "user_stats_pkey" primary key ("user_id"), constraint user_stats_completions_check check (completions >= 0), constraint user_stats_steps_done_check check (steps_done >= 0));`,
    );
    this.addSql(
      `alter table "user_stats" add constraint "user_stats_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`create trigger "user_stats_set_updated_at" before update on "user_stats" for each row execute function set_updated_at();`);

    // Adds `delta` to the count under `key`; a count reaching 0 leaves the map, so an undone
    // completion leaves no trace. A null key leaves the map as is.
    this.addSql(`
      create or replace function jsonb_add_count(doc jsonb, key text, delta int) returns jsonb
      language sql immutable as $fn$
        select case when key is null then doc
          when coalesce((doc ->> key)::int, 0) + delta <= 0 then doc - key
          else jsonb_set(doc, array[key], to_jsonb(coalesce((doc ->> key)::int, 0) + delta)) end
      $fn$;`);

    this.addSql(`
      insert into user_stats (user_id, completions, completions_by_difficulty, completions_by_category, completions_by_minute, steps_done)
      select u.id,
        coalesce(c.completions, 0),
        coalesce(c.by_difficulty, '{}'),
        coalesce(c.by_category, '{}'),
        coalesce(c.by_minute, '{}'),
        coalesce(s.steps_done, 0)
      from users u
      left join lateral (
        select count(*)::int as completions,
          (select coalesce(jsonb_object_agg(d, n), '{}') from (select difficulty as d, count(*)::int as n from quests
            where user_id = u.id and completed_at is not null group by difficulty) x) as by_difficulty,
          (select coalesce(jsonb_object_agg(k, n), '{}') from (select category_id::text as k, count(*)::int as n from quests
            where user_id = u.id and completed_at is not null and category_id is not null group by category_id) x) as by_category,
          (select coalesce(jsonb_object_agg(m, n), '{}') from (
            select (extract(hour from q.completed_at at time zone coalesce(p.timezone, 'UTC')) * 60
                  + extract(minute from q.completed_at at time zone coalesce(p.timezone, 'UTC')))::int::text as m, count(*)::int as n
            from quests q left join user_profiles p on p.user_id = q.user_id
            where q.user_id = u.id and q.completed_at is not null group by 1) x) as by_minute
        from quests where user_id = u.id and completed_at is not null
      ) c on true
      left join lateral (
        select count(*)::int as steps_done from quest_steps st join quests q on q.id = st.quest_id
        where q.user_id = u.id and st.completed
      ) s on true
      on conflict (user_id) do nothing;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "user_stats" cascade;`);
    this.addSql(`drop function if exists jsonb_add_count(jsonb, text, int);`);
    this.addSql(`alter table "experience_events" drop column if exists "details";`);
  }
}
