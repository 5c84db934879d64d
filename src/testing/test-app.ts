import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createApp, type App } from '../app.js';
import { createDatabase, type ScratchDatabase } from './databases.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../infra/logger.js';
import { splitCommandLine, type Identity, type SpaceRef } from '../core/invocation.js';
import type { Reply } from '../core/reply.js';

export interface TestApp extends App {
  /** Runs one command line as a console user (default `alice`) through the real dispatch path. */
  run(line: string, user?: string | Identity, space?: SpaceRef): Promise<Reply>;
  /** Like `run`, but a reply with the error tone fails the test with the command and its text. */
  ok(line: string, user?: string | Identity, space?: SpaceRef): Promise<Reply>;
  /** The user id behind a console user's name. */
  userId(name: string): Promise<string>;
  /** The user id behind an identity (a name: a console user), or undefined when none leads to a user. */
  findUserId(user: string | Identity): Promise<string | undefined>;
  /** Raw SQL against the test database. */
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  /** The test database's URL (a clone on real PostgreSQL, the embedded server otherwise). */
  databaseUrl?: string;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: () => Date;
  /** Use REDIS_URL when it is set (default: in-process store). */
  redis?: boolean;
  poolMax?: number;
  /** Where log lines go (tests that assert on them), at `level` (default debug). */
  log?: { stream: { write(line: string): void }; level?: string };
}

/**
 * A fully wired app on a fresh, migrated database: a clone of the migrated
 * template on real PostgreSQL (DATABASE_URL), or embedded PGlite otherwise.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const template = process.env.DATABASE_URL;
  let databaseUrl: string | undefined;
  let dropClone: (() => Promise<void>) | undefined;
  if (template) {
    const clone = await cloneDatabase(template);
    databaseUrl = clone.url;
    dropClone = clone.drop;
  }
  const seedPath = inject('pgliteSeed');
  const embeddedSeed = !template && seedPath ? new Blob([await readFile(seedPath)]) : undefined;
  const env: Record<string, string> = { PORT: '0', LOG_LEVEL: 'silent', QUESTLOG_CONSOLE: 'off', ...options.env };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  if (options.redis && process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
  const config = loadConfig(env);
  const logger = options.log ? createLogger(options.log.level ?? 'debug', options.log.stream) : createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const app = await createApp({ ...config, dataDir: '' }, logger, { clock: options.clock, embeddedSeed, poolMax: options.poolMax });
  const close = app.close;
  return Object.assign(app, {
    databaseUrl,
    async run(line: string, user: string | Identity = 'alice', space?: SpaceRef) {
      const { command, text } = splitCommandLine(line);
      return app.dispatcher.dispatch({ identity: identityOf(user), space, command, text, source: 'command' });
    },
    async ok(line: string, user?: string | Identity, space?: SpaceRef) {
      const reply = await this.run(line, user, space);
      if (reply.tone === 'error') throw new Error(`${line}: ${reply.text}`);
      return reply;
    },
    async userId(name: string) {
      const userId = await this.findUserId(name);
      if (!userId) throw new Error(`no user named ${name}`);
      return userId;
    },
    async findUserId(user: string | Identity) {
      const { platform, scope, platformUserId } = identityOf(user);
      const [row] = await this.sql<{ user_id: string }>('select user_id from user_identities where platform = ? and scope = ? and platform_user_id = ?', [
        platform,
        scope,
        platformUserId,
      ]);
      return row?.user_id;
    },
    async sql<T>(query: string, params: unknown[] = []) {
      return app.db.orm.em.fork().execute(query, params) as Promise<T[]>;
    },
    async close() {
      await close();
      await dropClone?.();
    },
  });
}

/** A name is a console user; an identity is itself. */
function identityOf(user: string | Identity): Identity {
  return typeof user === 'string' ? { platform: 'console', scope: 'local', platformUserId: user, displayName: user } : user;
}

/** The account-link code a `/questlog link` reply shows (`**ABCD-EFGH**`). */
export function linkCodeIn(reply: Reply): string {
  const code = /\*\*([A-Z0-9]{4}-[A-Z0-9]{4})\*\*/.exec(reply.text ?? '')?.[1];
  if (!code) throw new Error(`no link code in: ${reply.text}`);
  return code;
}

/** A per-file copy of the migrated template, dropped after the file. */
export async function cloneDatabase(templateUrl: string): Promise<ScratchDatabase> {
  const template = new URL(templateUrl).pathname.slice(1);
  return createDatabase(templateUrl, `${template}_${process.pid}_${randomBytes(3).toString('hex')}`, { template });
}
