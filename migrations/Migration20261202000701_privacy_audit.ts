import { Migration } from '@mikro-orm/migrations';

/** `privacy_audit`: exports, erasures and account links, counted but never attributed to anyone. */
export class Migration20261202000701_privacy_audit extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "privacy_audit" ("id" uuid not null default gen_random_uuid(), "action" text check ("action" in ('export', 'forget', 'link')) not null, "at" timestamptz not null default now(), "counts" jsonb not null default '{}', constraint "privacy_audit_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "idx_privacy_audit_at" on "privacy_audit" ("at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "privacy_audit" cascade;`);
  }
}
