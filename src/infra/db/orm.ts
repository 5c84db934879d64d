import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { MikroORM, defineConfig, type EntitySchema, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '../logger.js';
import { migrationsList } from '../../../migrations/index.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

const migrationsDir = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** Arbitrary constant shared by every replica: only one migrates at a time. */
const MIGRATION_LOCK_KEY = 7_251_114_001;

export interface OrmOptions {
  clientUrl: string;
  /** Every entity of the application, handed in by the composition root (infrastructure knows no feature). */
  entities: EntitySchema[];
  /** PGlite serves one session: the pool must hold exactly one connection. */
  embedded?: boolean;
  poolMax?: number;
  debug?: boolean;
  logger?: Logger;
}

/** The one ORM configuration, shared by the app, the CLI and tests. */
export function ormConfig(options: OrmOptions): Options {
  return defineConfig({
    clientUrl: options.clientUrl,
    entities: options.entities,
    extensions: [Migrator],
    pool: options.embedded ? { min: 1, max: 1 } : { min: 0, max: options.poolMax ?? 20 },
    debug: options.debug ?? false,
    // MikroORM prints to stdout by default; route it to the app's log so the console stays clean.
    logger: (message: string) => options.logger?.debug({ orm: message }),
    allowGlobalContext: false,
    forceUndefined: false,
    migrations: {
      path: migrationsDir,
      pathTs: migrationsDir,
      migrationsList,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      disableForeignKeys: false,
    },
    schemaGenerator: { disableForeignKeys: false },
  });
}

export interface Database {
  orm: MikroORM;
  embedded: boolean;
  /** Embedded mode: the whole database as a tar image (test seeds). */
  dumpEmbedded?: () => Promise<Blob>;
  close(): Promise<void>;
}

/**
 * Opens the database (embedded PGlite when no URL is given) and applies pending
 * migrations. On a real server the migration runs under a Postgres advisory lock,
 * so replicas started together come up on one schema.
 */
export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir?: string;
  entities: EntitySchema[];
  migrate?: boolean;
  poolMax?: number;
  logger?: Logger;
  /** Embedded mode only: start from this dumped database image. */
  embeddedSeed?: Blob;
}): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let clientUrl = options.databaseUrl;
  if (!clientUrl) {
    embedded = await startEmbeddedPostgres(options.dataDir, options.embeddedSeed);
    clientUrl = embedded.url;
  }
  const orm = await MikroORM.init(ormConfig({ clientUrl, entities: options.entities, embedded: Boolean(embedded), poolMax: options.poolMax, logger: options.logger }));
  try {
    if (options.migrate !== false) {
      if (embedded) await orm.getMigrator().up();
      else await withAdvisoryLock(clientUrl, () => orm.getMigrator().up());
    }
  } catch (error) {
    await orm.close(true);
    await embedded?.close();
    throw error;
  }
  return {
    orm,
    embedded: Boolean(embedded),
    dumpEmbedded: embedded ? () => embedded.dump() : undefined,
    async close() {
      await orm.close(true);
      await embedded?.close();
    },
  };
}

async function withAdvisoryLock<T>(clientUrl: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: clientUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await work();
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
