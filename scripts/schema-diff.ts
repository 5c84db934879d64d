import { entities } from '../src/modules/entities.js';
import { openDatabase } from '../src/infra/db/orm.js';

/** Prints the SQL the ORM would still apply after migrating (must be empty). */
const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.QUESTLOG_DATA_DIR ?? './.questlog', entities });
try {
  const sql = await db.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
  process.stdout.write(sql.trim() ? `${sql.trim()}\n` : 'schema in sync: nothing to apply\n');
  process.exitCode = sql.trim() ? 1 : 0;
} finally {
  await db.close();
}
