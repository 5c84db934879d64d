import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { MikroORM, defineConfig, type EntitySchema, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '../logger.js';
import { sqlShape } from '../../core/redact.js';
import { migrationsList } from '../../../migrations/index.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { ActingPostgreSqlDialect, type RlsKnexConfig, type RoleSwitches } from './acting.js';

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

/**
 * TLS settings from the URL's `sslmode` (and `sslrootcert`, `sslcert`, `sslkey`
 * files), as node-postgres reads them: MikroORM takes only host, port, user,
 * password and database from `clientUrl`, so without this `?sslmode=` would be
 * silently ignored. `disable`: plain TCP; `no-verify`: encrypted, certificate
 * not checked; `prefer`, `require`, `verify-ca`, `verify-full`: encrypted and
 * the certificate verified (system CAs, or `sslrootcert`).
 */
export function tlsFromUrl(clientUrl: string): TlsOptions | false | undefined {
  let params: URLSearchParams;
  try {
    params = new URL(clientUrl).searchParams;
  } catch {
    return undefined;
  }
  const mode = params.get('sslmode') ?? undefined;
  const rootCert = params.get('sslrootcert');
  const cert = params.get('sslcert');
  const key = params.get('sslkey');
  if (!mode && !rootCert && !cert && !key) return params.get('ssl') === 'true' ? {} : undefined;
  if (mode === 'disable') return false;
  const tls: TlsOptions = {};
  if (rootCert) tls.ca = readFileSync(rootCert, 'utf8');
  if (cert) tls.cert = readFileSync(cert, 'utf8');
  if (key) tls.key = readFileSync(key, 'utf8');
  if (mode === 'no-verify') tls.rejectUnauthorized = false;
  return tls;
}

/** The one ORM configuration, shared by the app, the CLI and tests. */
export function ormConfig(options: OrmOptions): Options {
  const tls = options.embedded ? undefined : tlsFromUrl(options.clientUrl);
  return defineConfig({
    clientUrl: options.clientUrl,
    // The dialect folds the acting user (row-level security) into the statements it sends: see acting.ts.
    driverOptions: { client: ActingPostgreSqlDialect, ...(tls !== undefined ? { connection: { ssl: tls } } : {}) },
    entities: options.entities,
    extensions: [Migrator],
    pool: options.embedded ? { min: 1, max: 1 } : { min: 0, max: options.poolMax ?? 20 },
    debug: options.debug ?? false,
    // MikroORM prints to stdout by default; route it to the app's log so the console stays clean.
    // Its query lines inline the parameters (titles, ids): only the statement's shape is kept.
    logger: (message: string) => options.logger?.debug({ orm: sqlShape(message) }),
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
  /** The row-level security roles the connecting role may switch to. */
  roles: RoleSwitches;
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
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(
      ormConfig({ clientUrl, entities: options.entities, embedded: Boolean(embedded), poolMax: options.poolMax, logger: options.logger }),
    );
  } catch (error) {
    await embedded?.close();
    throw unreachable(error, clientUrl);
  }
  try {
    if (options.migrate !== false) {
      if (embedded) await orm.getMigrator().up();
      else await withAdvisoryLock(clientUrl, () => orm.getMigrator().up());
    }
  } catch (error) {
    await orm.close(true);
    await embedded?.close();
    throw unreachable(error, clientUrl);
  }
  const roles = await enableRoleSwitches(orm);
  if (!roles.app || !roles.jobs) {
    options.logger?.warn(
      { questlog_app: roles.app, questlog_jobs: roles.jobs },
      'row-level security: the connecting role cannot switch to every questlog role (see docs/operations.md section 6)',
    );
  }
  return {
    orm,
    roles,
    embedded: Boolean(embedded),
    dumpEmbedded: embedded ? () => embedded.dump() : undefined,
    async close() {
      await orm.close(true);
      await embedded?.close();
    },
  };
}

/**
 * Which RLS roles the connecting role is a member of (a superuser is a member
 * of every role), handed to the dialect: it switches to a role only when it may.
 */
export async function enableRoleSwitches(orm: MikroORM): Promise<RoleSwitches> {
  // raw: pg_roles is a system catalog (no entity); one statement at start-up.
  const rows = await orm.em
    .fork()
    .execute<Array<{ rolname: string; member: boolean }>>(
      `select rolname, pg_has_role(current_user, oid, 'member') as member from pg_roles where rolname in ('questlog_app', 'questlog_jobs')`,
    );
  const member = (name: string) => rows.some((r) => r.rolname === name && r.member);
  const roles = { app: member('questlog_app'), jobs: member('questlog_jobs') };
  const knex = (orm.em.getConnection() as unknown as { getKnex(): { client: { config: RlsKnexConfig } } }).getKnex();
  knex.client.config.questlogRoles = roles;
  return roles;
}

const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** A connection failure becomes one sentence naming the host (never the URL's credentials); other errors pass through. */
function unreachable(error: unknown, clientUrl: string): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !CONNECT_FAILURES.has(code)) return error;
  let where = 'the configured host';
  try {
    const url = new URL(clientUrl);
    where = `${url.hostname}:${url.port || '5432'}`;
  } catch {
    // keep the generic wording
  }
  return Object.assign(new Error(`cannot reach the database at ${where} (${code}); check DATABASE_URL and that PostgreSQL is running`), { code });
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
