import { Migration20261124000001_initial_schema } from './Migration20261124000001_initial_schema.js';
import { Migration20261124000041_gamification_counters } from './Migration20261124000041_gamification_counters.js';
import { Migration20261124000042_achievement_catalog } from './Migration20261124000042_achievement_catalog.js';
import { Migration20261202000301_notification_outbox } from './Migration20261202000301_notification_outbox.js';
import { Migration20261202000401_due_dates_and_search } from './Migration20261202000401_due_dates_and_search.js';
import { Migration20261202000701_privacy_audit } from './Migration20261202000701_privacy_audit.js';
import { Migration20261202100100_recurring_quests } from './Migration20261202100100_recurring_quests.js';
import { Migration20261202100200_vacation_and_due_notices } from './Migration20261202100200_vacation_and_due_notices.js';
import { Migration20261202100400_row_level_security } from './Migration20261202100400_row_level_security.js';
import { Migration20261202110000_quest_children_user_id } from './Migration20261202110000_quest_children_user_id.js';
import { Migration20261202110100_search_refresh_plpgsql } from './Migration20261202110100_search_refresh_plpgsql.js';

/**
 * Every migration, in order. Listed explicitly (not globbed) so they load the
 * same way under tsx, vitest and the CLI. Add new ones at the end.
 */
export const migrationsList = [
  { name: 'Migration20261124000001_initial_schema', class: Migration20261124000001_initial_schema },
  { name: 'Migration20261124000041_gamification_counters', class: Migration20261124000041_gamification_counters },
  { name: 'Migration20261124000042_achievement_catalog', class: Migration20261124000042_achievement_catalog },
  { name: 'Migration20261202000301_notification_outbox', class: Migration20261202000301_notification_outbox },
  { name: 'Migration20261202000401_due_dates_and_search', class: Migration20261202000401_due_dates_and_search },
  { name: 'Migration20261202000701_privacy_audit', class: Migration20261202000701_privacy_audit },
  { name: 'Migration20261202100100_recurring_quests', class: Migration20261202100100_recurring_quests },
  { name: 'Migration20261202100200_vacation_and_due_notices', class: Migration20261202100200_vacation_and_due_notices },
  { name: 'Migration20261202100400_row_level_security', class: Migration20261202100400_row_level_security },
  { name: 'Migration20261202110000_quest_children_user_id', class: Migration20261202110000_quest_children_user_id },
  { name: 'Migration20261202110100_search_refresh_plpgsql', class: Migration20261202110100_search_refresh_plpgsql },
];
