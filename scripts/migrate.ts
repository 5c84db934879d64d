import { entities } from '../src/modules/entities.js';
import { openDatabase } from '../src/infra/db/orm.js';

/** Applies pending migrations (under the advisory lock) and exits: for deploy pipelines and the two-process test. */
const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.QUESTLOG_DATA_DIR ?? './.questlog', entities });
const executed = await db.orm.getMigrator().getExecutedMigrations();
await db.close();
process.stdout.write(`migrated: ${executed.length} migrations applied\n`);
