import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 11, recurring quests: a series is an RFC 5545 RRULE with the user's IANA zone
 * and its DTSTART; each occurrence is a quest pointing at its series. A series has at
 * most one open occurrence (partial unique index). Stopping a series deletes it: its
 * quests stay, detached.
 */
export class Migration20261202100100_recurring_quests extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "quest_series" ("id" uuid not null default gen_random_uuid(), "user_id" uuid not null, "rrule" varchar(255) not null, "timezone" varchar(64) not null, "dtstart" timestamptz not null, "paused" boolean not null default false, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "quest_series_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "quest_series" add constraint "quest_series_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`create index "idx_quest_series_user_id" on "quest_series" ("user_id");`);

    this.addSql(`alter table "quests" add column "series_id" uuid null;`);
    this.addSql(
      `alter table "quests" add constraint "quests_series_id_foreign" foreign key ("series_id") references "quest_series" ("id") on update cascade on delete set null;`,
    );
    this.addSql(`create index "idx_quests_series_id" on "quests" ("series_id");`);
    this.addSql(
      `create unique index "quests_series_one_open" on "quests" ("series_id") where series_id is not null and status in ('DRAFT', 'ACTIVE', 'IN_PROGRESS');`,
    );
  }
}
