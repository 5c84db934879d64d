import { Migration20261124000001_initial_schema } from './Migration20261124000001_initial_schema.js';

/**
 * Every migration, in order. Listed explicitly (not globbed) so they load the
 * same way under tsx, vitest and the CLI. Add new ones at the end.
 */
export const migrationsList = [{ name: 'Migration20261124000001_initial_schema', class: Migration20261124000001_initial_schema }];
