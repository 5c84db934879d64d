import { Migration } from '@mikro-orm/migrations';

/** The whole schema of the seed, reconciled as DESIGN §4 says (points 1-10). */

const NOTIFICATION_PARTITIONS = 16;

const UPDATED_AT_TABLES = [
  'users',
  'user_profiles',
  'user_identities',
  'spaces',
  'slack_installations',
  'quest_categories',
  'projects',
  'quests',
  'quest_analytics',
  'quest_steps',
  'streaks',
  'notification_preferences',
];

const ALL_TABLES = [
  'quest_dependencies',
  'quest_analytics',
  'quest_steps',
  'quest_tags',
  'tags',
  'experience_events',
  'ai_suggestions',
  'user_achievements',
  'achievements',
  'streaks',
  'user_behavior_logs',
  'notifications',
  'notification_preferences',
  'quests',
  'quest_categories',
  'projects',
  'space_members',
  'spaces',
  'slack_installations',
  'user_identities',
  'user_profiles',
  'users',
];

export class Migration20261124000001_initial_schema extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "achievements" ("id" uuid not null default gen_random_uuid(), "code" varchar(64) not null, "name" varchar(100) not null, "description" text not null, "category" varchar(50) not null, "rarity" text check ("rarity" in ('common', 'rare', 'epic', 'legendary')) not null default 'common', "icon" varchar(100) null, "xp_reward" int not null default 0, "unlock_criteria" jsonb not null, "is_hidden" boolean not null default false, "is_seasonal" boolean not null default false, "seasonal_start_date" date null, "seasonal_end_date" date null, "created_at" timestamptz not null default now(), "metadata" jsonb not null default '{}', constraint "achievements_pkey" primary key ("id"), constraint achievements_xp_reward_check check (xp_reward >= 0));`,
    );
    this.addSql(`alter table "achievements" add constraint "achievements_code_unique" unique ("code");`);
    this.addSql(`create index "idx_achievements_category" on "achievements" ("category");`);
    this.addSql(`create index "idx_achievements_rarity" on "achievements" ("rarity");`);
    this.addSql(`create index "idx_achievements_is_hidden" on "achievements" ("is_hidden");`);
    this.addSql(`create index "idx_achievements_is_seasonal" on "achievements" ("is_seasonal");`);

    this.addSql(
      `create table "slack_installations" ("id" uuid not null default gen_random_uuid(), "install_key" varchar(80) not null, "team_id" varchar(32) null, "enterprise_id" varchar(32) null, "is_enterprise_install" boolean not null default false, "bot_user_id" varchar(32) null, "installation" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "slack_installations_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "slack_installations" add constraint "slack_installations_install_key_unique" unique ("install_key");`);

    this.addSql(
      `create table "spaces" ("id" uuid not null default gen_random_uuid(), "platform" text check ("platform" in ('console', 'discord', 'slack')) not null, "external_id" varchar(64) not null, "name" varchar(100) null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "spaces_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "spaces" add constraint "spaces_platform_external_id_unique" unique ("platform", "external_id");`);

    this.addSql(
      `create table "users" ("id" uuid not null default gen_random_uuid(), "email" varchar(255) null, "username" varchar(30) not null, "display_name" varchar(100) null, "avatar" varchar(500) null, "level" int not null default 1, "experience_points" int not null default 0, "quest_counter" int not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "last_login_at" timestamptz null, constraint "users_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);
    this.addSql(`alter table "users" add constraint "users_username_unique" unique ("username");`);
    this.addSql(`create index "idx_users_email" on "users" ("email");`);
    this.addSql(`create index "idx_users_username" on "users" ("username");`);
    this.addSql(`create index "idx_users_level" on "users" ("level");`);
    this.addSql(`create index "idx_users_experience_points" on "users" ("experience_points");`);

    this.addSql(
      `create table "tags" ("id" uuid not null default gen_random_uuid(), "user_id" uuid not null, "name" varchar(50) not null, "color" varchar(7) not null default '#6B7280', "created_at" timestamptz not null default now(), "metadata" jsonb not null default '{}', constraint "tags_pkey" primary key ("id"), constraint tags_color_check check (color ~ '^#[0-9A-Fa-f]{6}\$'));`,
    );
    this.addSql(`create index "idx_tags_user_id" on "tags" ("user_id");`);
    this.addSql(`create index "idx_tags_name" on "tags" ("name");`);
    this.addSql(`create unique index "tags_user_name_unique" on "tags" ("user_id", lower("name"));`);

    this.addSql(
      `create table "streaks" ("id" uuid not null default gen_random_uuid(), "user_id" uuid not null, "streak_type" text check ("streak_type" in ('daily', 'weekly', 'monthly')) not null, "current_count" int not null default 0, "longest_count" int not null default 0, "start_date" date not null, "last_activity_date" date not null, "is_active" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "metadata" jsonb not null default '{}', constraint "streaks_pkey" primary key ("id"), constraint streaks_current_count_check check (current_count >= 0), constraint streaks_longest_count_check check (longest_count >= 0));`,
    );
    this.addSql(`create index "idx_streaks_user_id" on "streaks" ("user_id");`);
    this.addSql(`create index "idx_streaks_type" on "streaks" ("streak_type");`);
    this.addSql(`create index "idx_streaks_is_active" on "streaks" ("is_active");`);
    this.addSql(`create index "idx_streaks_last_activity_date" on "streaks" ("last_activity_date");`);
    this.addSql(`create unique index "streaks_one_active_per_type" on "streaks" ("user_id", "streak_type") where is_active;`);

    this.addSql(
      `create table "space_members" ("space_id" uuid not null, "user_id" uuid not null, "joined_at" timestamptz not null default now(), "last_seen_at" timestamptz not null default now(), constraint "space_members_pkey" primary key ("space_id", "user_id"));`,
    );
    this.addSql(`create index "idx_space_members_user_id" on "space_members" ("user_id");`);

    this.addSql(
      `create table "projects" ("id" uuid not null default gen_random_uuid(), "user_id" uuid not null, "name" varchar(100) not null, "description" text null, "color" varchar(7) not null default '#8B5CF6', "archived" boolean not null default false, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "projects_pkey" primary key ("id"), constraint projects_color_check check (color ~ '^#[0-9A-Fa-f]{6}\$'));`,
    );
    this.addSql(`create index "idx_projects_user_id" on "projects" ("user_id");`);
    this.addSql(`create unique index "projects_user_name_unique" on "projects" ("user_id", lower("name"));`);

    this.addSql(
      `create table "notification_preferences" ("id" uuid not null default gen_random_uuid(), "user_id" uuid not null, "notification_type" varchar(50) not null, "email_enabled" boolean not null default true, "push_enabled" boolean not null default true, "in_app_enabled" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "notification_preferences_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "idx_notification_preferences_user_id" on "notification_preferences" ("user_id");`);
    this.addSql(`create index "idx_notification_preferences_type" on "notification_preferences" ("notification_type");`);
    this.addSql(`alter table "notification_preferences" add constraint "notification_preferences_user_type_unique" unique ("user_id", "notification_type");`);

    this.addSql(
      `create table "notifications" ("id" uuid not null default gen_random_uuid(), "user_id" uuid not null, "type" varchar(50) not null, "title" varchar(255) not null, "message" text null, "data" jsonb not null default '{}', "is_read" boolean not null default false, "is_sent" boolean not null default false, "sent_at" timestamptz null, "attempts" int not null default 0, "last_error" text null, "created_at" timestamptz not null default now(), "expires_at" timestamptz null, "metadata" jsonb not null default '{}', constraint "notifications_pkey" primary key ("id", "user_id")) partition by hash ("user_id");`,
    );
    this.addSql(`create index "idx_notifications_user_id" on "notifications" ("user_id");`);
    this.addSql(`create index "idx_notifications_type" on "notifications" ("type");`);
    this.addSql(`create index "idx_notifications_is_read" on "notifications" ("is_read");`);
    this.addSql(`create index "idx_notifications_is_sent" on "notifications" ("is_sent");`);
    this.addSql(`create index "idx_notifications_created_at" on "notifications" ("created_at");`);

    this.addSql(
      `create table "quest_categories" ("id" uuid not null default gen_random_uuid(), "name" varchar(100) not null, "description" text null, "color" varchar(7) not null default '#3B82F6', "user_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "quest_categories_pkey" primary key ("id"), constraint quest_categories_color_check check (color ~ '^#[0-9A-Fa-f]{6}\$'));`,
    );
    this.addSql(`create index "idx_quest_categories_user_id" on "quest_categories" ("user_id");`);
    this.addSql(`create unique index "quest_categories_user_name_unique" on "quest_categories" ("user_id", lower("name"));`);

    this.addSql(
      `create table "quests" ("id" uuid not null default gen_random_uuid(), "number" int not null, "title" varchar(255) not null, "description" text null, "difficulty" text check ("difficulty" in ('EASY', 'MEDIUM', 'HARD', 'EPIC')) not null, "status" text check ("status" in ('DRAFT', 'ACTIVE', 'IN_PROGRESS', 'COMPLETED', 'ARCHIVED')) not null default 'DRAFT', "estimated_duration" int not null, "actual_duration" int null, "priority" text check ("priority" in ('LOW', 'MEDIUM', 'HIGH', 'URGENT')) not null default 'MEDIUM', "experience_points" int not null default 0, "user_id" uuid not null, "category_id" uuid null, "project_id" uuid null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "started_at" timestamptz null, "completed_at" timestamptz null, constraint "quests_pkey" primary key ("id"), constraint quests_estimated_duration_check check (estimated_duration > 0 and estimated_duration <= 1440), constraint quests_actual_duration_check check (actual_duration is null or actual_duration >= 0));`,
    );
    this.addSql(`create index "idx_quests_user_id" on "quests" ("user_id");`);
    this.addSql(`create index "idx_quests_status" on "quests" ("status");`);
    this.addSql(`create index "idx_quests_created_at" on "quests" ("created_at");`);
    this.addSql(`create index "idx_quests_category_id" on "quests" ("category_id");`);
    this.addSql(`create index "idx_quests_project_id" on "quests" ("project_id");`);
    this.addSql(`create index "idx_quests_user_status" on "quests" ("user_id", "status");`);
    this.addSql(`create index "idx_quests_user_completed_at" on "quests" ("user_id", "completed_at");`);
    this.addSql(`alter table "quests" add constraint "quests_user_number_unique" unique ("user_id", "number");`);

    this.addSql(
      `create table "quest_tags" ("quest_id" uuid not null, "tag_id" uuid not null, "created_at" timestamptz not null default now(), constraint "quest_tags_pkey" primary key ("quest_id", "tag_id"));`,
    );
    this.addSql(`create index "idx_quest_tags_quest_id" on "quest_tags" ("quest_id");`);
    this.addSql(`create index "idx_quest_tags_tag_id" on "quest_tags" ("tag_id");`);

    this.addSql(
      `create table "quest_steps" ("id" uuid not null default gen_random_uuid(), "title" varchar(255) not null, "description" text null, "completed" boolean not null default false, "completed_at" timestamptz null, "order_index" int not null, "quest_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "quest_steps_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "idx_quest_steps_quest_id" on "quest_steps" ("quest_id");`);
    this.addSql(`create index "idx_quest_steps_quest_order" on "quest_steps" ("quest_id", "order_index");`);

    this.addSql(
      `create table "quest_dependencies" ("id" uuid not null default gen_random_uuid(), "dependent_quest_id" uuid not null, "prerequisite_quest_id" uuid not null, "dependency_type" text check ("dependency_type" in ('sequential', 'resource', 'time')) not null default 'sequential', "created_at" timestamptz not null default now(), constraint "quest_dependencies_pkey" primary key ("id"), constraint quest_dependencies_not_self_check check (dependent_quest_id <> prerequisite_quest_id));`,
    );
    this.addSql(`create index "idx_quest_dependencies_dependent" on "quest_dependencies" ("dependent_quest_id");`);
    this.addSql(`create index "idx_quest_dependencies_prerequisite" on "quest_dependencies" ("prerequisite_quest_id");`);
    this.addSql(`create index "idx_quest_dependencies_type" on "quest_dependencies" ("dependency_type");`);
    this.addSql(`alter table "quest_dependencies" add constraint "quest_dependencies_pair_unique" unique ("dependent_quest_id", "prerequisite_quest_id");`);

    this.addSql(
      `create table "quest_analytics" ("id" uuid not null default gen_random_uuid(), "quest_id" uuid not null, "user_id" uuid not null, "time_spent_minutes" int not null default 0, "completion_rate" numeric(5,2) null, "difficulty_rating" int null, "satisfaction_rating" int null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "metadata" jsonb not null default '{}', constraint "quest_analytics_pkey" primary key ("id"), constraint quest_analytics_difficulty_rating_check check (difficulty_rating >= 1 and difficulty_rating <= 5), constraint quest_analytics_satisfaction_rating_check check (satisfaction_rating >= 1 and satisfaction_rating <= 5));`,
    );
    this.addSql(`create index "idx_quest_analytics_quest_id" on "quest_analytics" ("quest_id");`);
    this.addSql(`create index "idx_quest_analytics_user_id" on "quest_analytics" ("user_id");`);
    this.addSql(`create index "idx_quest_analytics_completion_rate" on "quest_analytics" ("completion_rate");`);

    this.addSql(
      `create table "experience_events" ("id" uuid not null default gen_random_uuid(), "user_id" uuid not null, "quest_id" uuid null, "amount" int not null, "reason" varchar(50) not null, "created_at" timestamptz not null default now(), constraint "experience_events_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "idx_experience_events_user_created" on "experience_events" ("user_id", "created_at");`);
    this.addSql(`create index "idx_experience_events_quest_id" on "experience_events" ("quest_id");`);
    this.addSql(`create index "idx_experience_events_created_at" on "experience_events" ("created_at");`);

    this.addSql(
      `create table "ai_suggestions" ("id" uuid not null default gen_random_uuid(), "user_id" uuid not null, "quest_id" uuid null, "suggestion_type" varchar(50) not null, "suggestion_data" jsonb not null, "confidence_score" numeric(3,2) null, "was_accepted" boolean null, "created_at" timestamptz not null default now(), "expires_at" timestamptz null, "metadata" jsonb not null default '{}', constraint "ai_suggestions_pkey" primary key ("id"), constraint ai_suggestions_confidence_score_check check (confidence_score >= 0 and confidence_score <= 1));`,
    );
    this.addSql(`create index "idx_ai_suggestions_user_id" on "ai_suggestions" ("user_id");`);
    this.addSql(`create index "idx_ai_suggestions_quest_id" on "ai_suggestions" ("quest_id");`);
    this.addSql(`create index "idx_ai_suggestions_type" on "ai_suggestions" ("suggestion_type");`);
    this.addSql(`create index "idx_ai_suggestions_created_at" on "ai_suggestions" ("created_at");`);
    this.addSql(`create index "idx_ai_suggestions_expires_at" on "ai_suggestions" ("expires_at");`);

    this.addSql(
      `create table "user_achievements" ("id" uuid not null default gen_random_uuid(), "user_id" uuid not null, "achievement_id" uuid not null, "unlocked_at" timestamptz null default now(), "progress_data" jsonb not null default '{}', constraint "user_achievements_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "idx_user_achievements_user_id" on "user_achievements" ("user_id");`);
    this.addSql(`create index "idx_user_achievements_achievement_id" on "user_achievements" ("achievement_id");`);
    this.addSql(`create index "idx_user_achievements_unlocked_at" on "user_achievements" ("unlocked_at");`);
    this.addSql(`alter table "user_achievements" add constraint "user_achievements_user_achievement_unique" unique ("user_id", "achievement_id");`);

    this.addSql(
      `create table "user_behavior_logs" ("id" uuid not null default gen_random_uuid(), "timestamp" timestamptz not null default now(), "user_id" uuid not null, "action_type" varchar(50) not null, "action_data" jsonb null, "context_data" jsonb null, "session_id" uuid null, "device_info" jsonb null, "metadata" jsonb not null default '{}', constraint "user_behavior_logs_pkey" primary key ("id", "timestamp")) partition by range ("timestamp");`,
    );
    this.addSql(`create index "idx_user_behavior_logs_user_id" on "user_behavior_logs" ("user_id");`);
    this.addSql(`create index "idx_user_behavior_logs_action_type" on "user_behavior_logs" ("action_type");`);
    this.addSql(`create index "idx_user_behavior_logs_timestamp" on "user_behavior_logs" ("timestamp");`);
    this.addSql(`create index "idx_user_behavior_logs_session_id" on "user_behavior_logs" ("session_id");`);

    this.addSql(
      `create table "user_identities" ("id" uuid not null default gen_random_uuid(), "user_id" uuid not null, "platform" text check ("platform" in ('console', 'discord', 'slack')) not null, "scope" varchar(64) not null default '', "platform_user_id" varchar(64) not null, "display_name" varchar(100) null, "unreachable_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "user_identities_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "idx_user_identities_user_id" on "user_identities" ("user_id");`);
    this.addSql(`alter table "user_identities" add constraint "user_identities_platform_scope_user_unique" unique ("platform", "scope", "platform_user_id");`);

    this.addSql(
      `create table "user_profiles" ("id" uuid not null default gen_random_uuid(), "user_id" uuid not null, "timezone" varchar(64) not null default 'UTC', "day_start_hour" smallint not null default 0, "reminder_time" varchar(5) null, "next_reminder_at" timestamptz null, "quiet_hours_start" varchar(5) null, "quiet_hours_end" varchar(5) null, "locale" varchar(10) not null default 'en', "streak_freezes" int not null default 0, "leaderboard_opt_in" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "user_profiles_pkey" primary key ("id"), constraint user_profiles_day_start_hour_check check (day_start_hour >= 0 and day_start_hour <= 23), constraint user_profiles_streak_freezes_check check (streak_freezes >= 0 and streak_freezes <= 2));`,
    );
    this.addSql(`alter table "user_profiles" add constraint "user_profiles_user_id_unique" unique ("user_id");`);
    this.addSql(`create index "idx_user_profiles_user_id" on "user_profiles" ("user_id");`);
    this.addSql(`create index "idx_user_profiles_next_reminder_at" on "user_profiles" ("next_reminder_at");`);

    this.addSql(
      `alter table "tags" add constraint "tags_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "streaks" add constraint "streaks_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "space_members" add constraint "space_members_space_id_foreign" foreign key ("space_id") references "spaces" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "space_members" add constraint "space_members_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "projects" add constraint "projects_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "notification_preferences" add constraint "notification_preferences_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "notifications" add constraint "notifications_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "quest_categories" add constraint "quest_categories_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "quests" add constraint "quests_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "quests" add constraint "quests_category_id_foreign" foreign key ("category_id") references "quest_categories" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "quests" add constraint "quests_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "quest_tags" add constraint "quest_tags_quest_id_foreign" foreign key ("quest_id") references "quests" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "quest_tags" add constraint "quest_tags_tag_id_foreign" foreign key ("tag_id") references "tags" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "quest_steps" add constraint "quest_steps_quest_id_foreign" foreign key ("quest_id") references "quests" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "quest_dependencies" add constraint "quest_dependencies_dependent_quest_id_foreign" foreign key ("dependent_quest_id") references "quests" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "quest_dependencies" add constraint "quest_dependencies_prerequisite_quest_id_foreign" foreign key ("prerequisite_quest_id") references "quests" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "quest_analytics" add constraint "quest_analytics_quest_id_foreign" foreign key ("quest_id") references "quests" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "quest_analytics" add constraint "quest_analytics_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "experience_events" add constraint "experience_events_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "experience_events" add constraint "experience_events_quest_id_foreign" foreign key ("quest_id") references "quests" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "ai_suggestions" add constraint "ai_suggestions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "ai_suggestions" add constraint "ai_suggestions_quest_id_foreign" foreign key ("quest_id") references "quests" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "user_achievements" add constraint "user_achievements_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "user_achievements" add constraint "user_achievements_achievement_id_foreign" foreign key ("achievement_id") references "achievements" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "user_behavior_logs" add constraint "user_behavior_logs_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "user_identities" add constraint "user_identities_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "user_profiles" add constraint "user_profiles_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    // Seed: behavior logs are partitioned by month; a DEFAULT partition takes any row
    // no monthly partition covers, so an insert is never refused.
    this.addSql(`create table "user_behavior_logs_default" partition of "user_behavior_logs" default;`);
    this.addSql(`
      create or replace function ensure_behavior_log_partitions(months_back int, months_ahead int) returns int
      language plpgsql as $fn$
      declare
        month_start date;
        month_end date;
        part_name text;
        created int := 0;
        moved int;
      begin
        for i in -months_back..months_ahead loop
          month_start := (date_trunc('month', now() at time zone 'UTC') + make_interval(months => i))::date;
          month_end := (month_start + interval '1 month')::date;
          part_name := format('user_behavior_logs_%s', to_char(month_start, 'YYYY_MM'));
          if to_regclass(part_name) is null then
            -- rows already in the DEFAULT partition for this month must move out first
            create temporary table behavior_log_move on commit drop as
              select * from user_behavior_logs_default where "timestamp" >= month_start and "timestamp" < month_end;
            get diagnostics moved = row_count;
            if moved > 0 then
              delete from user_behavior_logs_default where "timestamp" >= month_start and "timestamp" < month_end;
            end if;
            execute format('create table %I partition of user_behavior_logs for values from (%L) to (%L)', part_name, month_start, month_end);
            if moved > 0 then
              insert into user_behavior_logs select * from behavior_log_move;
            end if;
            drop table behavior_log_move;
            created := created + 1;
          end if;
        end loop;
        return created;
      end
      $fn$;`);
    this.addSql(`select ensure_behavior_log_partitions(1, 3);`);
    this.addSql(`
      create or replace function drop_behavior_log_partitions_before(cutoff date) returns int
      language plpgsql as $fn$
      declare
        part record;
        dropped int := 0;
      begin
        for part in
          select c.relname from pg_inherits i
          join pg_class c on c.oid = i.inhrelid
          join pg_class parent on parent.oid = i.inhparent
          where parent.relname = 'user_behavior_logs' and c.relname ~ '^user_behavior_logs_[0-9]{4}_[0-9]{2}$'
            and to_date(substring(c.relname from '[0-9]{4}_[0-9]{2}$'), 'YYYY_MM') + interval '1 month' <= cutoff
        loop
          execute format('drop table %I', part.relname);
          dropped := dropped + 1;
        end loop;
        return dropped;
      end
      $fn$;`);

    // Seed: notifications are partitioned by user for scalability.
    for (let remainder = 0; remainder < NOTIFICATION_PARTITIONS; remainder++) {
      this.addSql(
        `create table "notifications_p${remainder}" partition of "notifications" for values with (modulus ${NOTIFICATION_PARTITIONS}, remainder ${remainder});`,
      );
    }

    // Seed: updated_at is kept by triggers as well as by the ORM.
    this.addSql(`
      create or replace function set_updated_at() returns trigger
      language plpgsql as $fn$
      begin
        new.updated_at := now();
        return new;
      end
      $fn$;`);
    for (const table of UPDATED_AT_TABLES) {
      this.addSql(`create trigger "${table}_set_updated_at" before update on "${table}" for each row execute function set_updated_at();`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ALL_TABLES) this.addSql(`drop table if exists "${table}" cascade;`);
    this.addSql(`drop function if exists set_updated_at();`);
    this.addSql(`drop function if exists ensure_behavior_log_partitions(int, int);`);
    this.addSql(`drop function if exists drop_behavior_log_partitions_before(date);`);
  }
}
