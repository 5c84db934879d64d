import { Migration } from '@mikro-orm/migrations';

/**
 * The notification outbox and the per-user timing of the time-driven jobs:
 * - `notifications.dedupe_key`: one row per (user, key) (e.g. `reminder:2026-12-02`), so a
 *   re-run or a second replica writes nothing twice; the key includes `user_id`, as a
 *   unique index on a hash-partitioned table must.
 * - `deliver_after`: the earliest send time (quiet hours, retry backoff); null = at once.
 * - `lease_until`: a worker's claim; past it, another worker may take the row.
 * - `delivered_via`: `dm`, `email`, `reply` (shown in a command reply, never sent again).
 * - `user_profiles.streak_nudge_hour` and `next_streak_check_at`: the evening nudge hour
 *   and the next instant the streak watch looks at the user (nudge or day end).
 */
export class Migration20261202000301_notification_outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "notifications" add column "dedupe_key" varchar(120) null, add column "deliver_after" timestamptz null, add column "lease_until" timestamptz null, add column "delivered_via" varchar(20) null;`,
    );
    this.addSql(`alter table "notifications" add constraint "notifications_user_dedupe_unique" unique ("user_id", "dedupe_key");`);
    this.addSql(`create index "idx_notifications_outbox" on "notifications" ("is_sent", "deliver_after");`);
    // Rows written before the outbox existed were shown in their command reply already.
    this.addSql(
      `update "notifications" set "is_sent" = true, "sent_at" = "created_at", "delivered_via" = 'reply' where not "is_sent" and "type" in ('level_up', 'achievement_unlocked');`,
    );

    this.addSql(`alter table "user_profiles" add column "streak_nudge_hour" smallint not null default 20, add column "next_streak_check_at" timestamptz null;`);
    this.addSql(`alter table "user_profiles" add constraint user_profiles_streak_nudge_hour_check check (streak_nudge_hour >= 0 and streak_nudge_hour <= 23);`);
    this.addSql(`create index "idx_user_profiles_next_streak_check_at" on "user_profiles" ("next_streak_check_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "idx_user_profiles_next_streak_check_at";`);
    this.addSql(`alter table "user_profiles" drop constraint if exists user_profiles_streak_nudge_hour_check;`);
    this.addSql(`alter table "user_profiles" drop column "streak_nudge_hour", drop column "next_streak_check_at";`);
    this.addSql(`drop index if exists "idx_notifications_outbox";`);
    this.addSql(`alter table "notifications" drop constraint if exists "notifications_user_dedupe_unique";`);
    this.addSql(`alter table "notifications" drop column "dedupe_key", drop column "deliver_after", drop column "lease_until", drop column "delivered_via";`);
  }
}
