import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 11: vacation (`user_profiles.vacation_since` / `vacation_until`, null
 * until = no end), the due-soon lead time (`due_soon_minutes`, null = off), and
 * `quests.due_notified_for`: the due time a due-soon notice was last written for,
 * so each quest is announced once per due time and again after its due date moves.
 */
export class Migration20261202100200_vacation_and_due_notices extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "user_profiles" add column "vacation_since" timestamptz null, add column "vacation_until" timestamptz null, add column "due_soon_minutes" smallint null default 60;`,
    );
    this.addSql(
      `alter table "user_profiles" add constraint "user_profiles_due_soon_minutes_check" check (due_soon_minutes is null or (due_soon_minutes >= 5 and due_soon_minutes <= 1440));`,
    );
    this.addSql(
      `alter table "user_profiles" add constraint "user_profiles_vacation_check" check (vacation_until is null or (vacation_since is not null and vacation_until > vacation_since));`,
    );
    this.addSql(`alter table "quests" add column "due_notified_for" timestamptz null;`);
    this.addSql(`create index "idx_quests_due_soon" on "quests" ("due_at") where due_at is not null and status in ('DRAFT', 'ACTIVE', 'IN_PROGRESS');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "idx_quests_due_soon";`);
    this.addSql(`alter table "quests" drop column if exists "due_notified_for";`);
    this.addSql(`alter table "user_profiles" drop constraint if exists "user_profiles_vacation_check";`);
    this.addSql(`alter table "user_profiles" drop constraint if exists "user_profiles_due_soon_minutes_check";`);
    this.addSql(
      `alter table "user_profiles" drop column if exists "vacation_since", drop column if exists "vacation_until", drop column if exists "due_soon_minutes";`,
    );
  }
}
