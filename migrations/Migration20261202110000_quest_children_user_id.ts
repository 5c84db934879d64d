import { Migration } from '@mikro-orm/migrations';

/** The quest children and the quest column each takes its owner from. */
const CHILDREN = {
  quest_steps: 'quest_id',
  quest_tags: 'quest_id',
  quest_dependencies: 'dependent_quest_id',
} as const;

const ACTING_USER = `nullif(current_setting('questlog.user_id', true), '')::uuid`;

/**
 * Quest steps, quest tags and quest dependencies carry their owner's
 * `user_id`, so their row-level security policy is the plain `user_id =
 * acting user` of every other user table instead of an `exists` subquery on
 * quests: the planner no longer plans (and the executor no longer runs) a
 * subplan per table reference and per row, which cost a command about a
 * third of its database time (npm run bench -- quests). It also tightens
 * inserts: a child row must now carry the acting user's id, where the old
 * insert check only required that some user was acting.
 *
 * The column defaults to the acting user, so the statements that insert
 * children (including the one-statement quest + tags CTE, whose checks
 * cannot see the new quest) need not name it. Work without an acting user
 * (the jobs role, seeding as the owner) gets it from the quest through a
 * BEFORE INSERT trigger that fires only when the value is still null.
 */
export class Migration20261202110000_quest_children_user_id extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create or replace function quest_child_fill_user() returns trigger language plpgsql as $fn$
      begin
        if tg_table_name = 'quest_dependencies' then
          select q.user_id into new.user_id from quests q where q.id = new.dependent_quest_id;
        else
          select q.user_id into new.user_id from quests q where q.id = new.quest_id;
        end if;
        return new;
      end $fn$;`);
    for (const [table, questColumn] of Object.entries(CHILDREN)) {
      // The owner migrates: lift FORCE for the backfill (the owner then bypasses the policies), put it back after.
      this.addSql(`alter table "${table}" no force row level security;`);
      this.addSql(`alter table "${table}" add column "user_id" uuid null;`);
      this.addSql(`update "${table}" c set "user_id" = q."user_id" from "quests" q where q."id" = c."${questColumn}";`);
      this.addSql(`alter table "${table}" alter column "user_id" set default ${ACTING_USER}, alter column "user_id" set not null;`);
      this.addSql(
        `create trigger "${table}_fill_user" before insert on "${table}" for each row when (new.user_id is null) execute function quest_child_fill_user();`,
      );
      for (const suffix of ['', '_insert', '_update', '_delete']) this.addSql(`drop policy if exists "${table}_acting_user${suffix}" on "${table}";`);
      this.addSql(`create policy "${table}_acting_user" on "${table}" using ("user_id" = ${ACTING_USER}) with check ("user_id" = ${ACTING_USER});`);
      this.addSql(`alter table "${table}" force row level security;`);
    }
  }

  override async down(): Promise<void> {
    for (const [table, questColumn] of Object.entries(CHILDREN)) {
      const columns = table === 'quest_dependencies' ? ['dependent_quest_id', 'prerequisite_quest_id'] : [questColumn];
      const own = columns.map((column) => `exists (select 1 from "quests" q where q."id" = "${table}"."${column}")`).join(' and ');
      this.addSql(`drop policy if exists "${table}_acting_user" on "${table}";`);
      this.addSql(`create policy "${table}_acting_user" on "${table}" for select using (${own});`);
      this.addSql(`create policy "${table}_acting_user_insert" on "${table}" for insert with check (${ACTING_USER} is not null);`);
      this.addSql(`create policy "${table}_acting_user_update" on "${table}" for update using (${own}) with check (${own});`);
      this.addSql(`create policy "${table}_acting_user_delete" on "${table}" for delete using (${own});`);
      this.addSql(`drop trigger if exists "${table}_fill_user" on "${table}";`);
      this.addSql(`alter table "${table}" drop column "user_id";`);
    }
    this.addSql(`drop function if exists quest_child_fill_user();`);
  }
}
