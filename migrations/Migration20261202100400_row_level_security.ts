import { Migration } from '@mikro-orm/migrations';

/** Tables whose rows belong to one user through their own `user_id` column. */
export const USER_TABLES = [
  'ai_suggestions',
  'experience_events',
  'notification_preferences',
  'notifications',
  'projects',
  'quest_analytics',
  'quest_categories',
  'quest_search_documents',
  'quest_series',
  'quests',
  'space_members',
  'streaks',
  'tags',
  'user_achievements',
  'user_behavior_logs',
  'user_identities',
  'user_profiles',
  'user_stats',
] as const;

/** Tables whose rows belong to a user through their quest (the quest's own policy decides). */
export const QUEST_CHILD_TABLES = {
  quest_steps: ['quest_id'],
  quest_tags: ['quest_id'],
  quest_dependencies: ['dependent_quest_id', 'prerequisite_quest_id'],
} as const;

/** The acting user of the transaction (`set_config('questlog.user_id', …, true)`); none set means no user. */
const ACTING_USER = `nullif(current_setting('questlog.user_id', true), '')::uuid`;
/** Jobs (and the cross-user steps of commands) switch to this role; compared by name, so inheriting it grants nothing. */
const JOBS = `current_user = 'questlog_jobs'`;

/**
 * Row-level security on every user-owned table (DESIGN.md data model 11).
 * Roles are cluster-wide: `questlog_app` (commands, one user per transaction)
 * and `questlog_jobs` (every row) are created only when missing, and an owner
 * without CREATEROLE still migrates (a NOTICE names the manual step, see
 * docs/operations.md section 6). Policies name no role: the acting-user
 * policy applies to everyone who does not bypass RLS (FORCE includes a
 * non-superuser owner), and the jobs policy compares `current_user`.
 */
export class Migration20261202100400_row_level_security extends Migration {
  override async up(): Promise<void> {
    this.addSql(`do $$
declare r text;
begin
  foreach r in array array['questlog_app', 'questlog_jobs'] loop
    if not exists (select from pg_roles where rolname = r) then
      begin
        execute format('create role %I nologin', r);
      exception
        when duplicate_object or unique_violation then null; -- another database of the cluster created it meanwhile
        when insufficient_privilege then raise notice 'row-level security: cannot create role % (needs CREATEROLE); create it and re-run the grants of docs/operations.md section 6', r;
      end;
    end if;
    if exists (select from pg_roles where rolname = r) then
      execute format('grant usage on schema public to %I', r);
      execute format('grant select, insert, update, delete on all tables in schema public to %I', r);
      execute format('grant usage, select on all sequences in schema public to %I', r);
      execute format('grant execute on all functions in schema public to %I', r);
      execute format('alter default privileges in schema public grant select, insert, update, delete on tables to %I', r);
      execute format('alter default privileges in schema public grant usage, select on sequences to %I', r);
      execute format('alter default privileges in schema public grant execute on functions to %I', r);
      if not pg_has_role(current_user, r, 'member') then
        begin
          execute format('grant %I to %I', r, current_user);
        exception when insufficient_privilege then
          raise notice 'row-level security: % cannot switch to role %; grant it (see docs/operations.md section 6)', current_user, r;
        end;
      end if;
    end if;
  end loop;
end $$;`);
    for (const table of USER_TABLES) this.protect(table, `"user_id" = ${ACTING_USER}`);
    this.protect('users', `"id" = ${ACTING_USER}`);
    for (const [table, columns] of Object.entries(QUEST_CHILD_TABLES)) {
      const own = columns.map((column) => `exists (select 1 from "quests" q where q."id" = "${table}"."${column}")`).join(' and ');
      // A quest and its children are inserted by one statement (data-modifying CTEs), whose checks cannot see the
      // new quest yet: an insert needs an acting user only (the foreign key needs the quest); reading, changing and
      // deleting need the quest to be the acting user's.
      this.protect(table, own, { insertCheck: `${ACTING_USER} is not null` });
    }
  }

  private protect(table: string, own: string, options: { insertCheck?: string } = {}): void {
    this.addSql(`alter table "${table}" enable row level security;`);
    this.addSql(`alter table "${table}" force row level security;`);
    if (options.insertCheck) {
      this.addSql(`create policy "${table}_acting_user" on "${table}" for select using (${own});`);
      this.addSql(`create policy "${table}_acting_user_insert" on "${table}" for insert with check (${options.insertCheck});`);
      this.addSql(`create policy "${table}_acting_user_update" on "${table}" for update using (${own}) with check (${own});`);
      this.addSql(`create policy "${table}_acting_user_delete" on "${table}" for delete using (${own});`);
    } else {
      this.addSql(`create policy "${table}_acting_user" on "${table}" using (${own}) with check (${own});`);
    }
    this.addSql(`create policy "${table}_jobs" on "${table}" using (${JOBS}) with check (${JOBS});`);
  }

  override async down(): Promise<void> {
    for (const table of [...USER_TABLES, 'users', ...Object.keys(QUEST_CHILD_TABLES)]) {
      for (const suffix of ['', '_insert', '_update', '_delete']) this.addSql(`drop policy if exists "${table}_acting_user${suffix}" on "${table}";`);
      this.addSql(`drop policy if exists "${table}_jobs" on "${table}";`);
      this.addSql(`alter table "${table}" no force row level security;`);
      this.addSql(`alter table "${table}" disable row level security;`);
    }
    // The roles are cluster-wide (other databases may use them): they stay.
  }
}
