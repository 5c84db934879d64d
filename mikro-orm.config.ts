import { ormConfig } from './src/infra/db/orm.js';
import { entities } from './src/modules/entities.js';

/**
 * CLI configuration (`npm run db:*`). The CLI works against `DATABASE_URL`;
 * local mode's embedded database is migrated by the app itself at start-up.
 */
const clientUrl = process.env.DATABASE_URL;
if (!clientUrl) {
  throw new Error('DATABASE_URL must be set for the MikroORM CLI, e.g. postgresql://postgres@127.0.0.1:5432/questlog');
}

export default ormConfig({ clientUrl, entities });
