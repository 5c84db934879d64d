import { AsyncLocalStorage } from 'node:async_hooks';
import { PostgreSqlKnexDialect } from '@mikro-orm/postgresql';

/**
 * Who the database work of the current async call chain runs for, which the
 * row-level security policies (migration 20261202100400) check:
 * - `user`: `set local role questlog_app` and `questlog.user_id` = the user;
 *   every user-owned table shows and accepts that user's rows only;
 * - `jobs`: `set local role questlog_jobs`, which sees every row (jobs, and
 *   the cross-user steps of commands: identity resolution, leaderboards, link).
 * Outside both, statements run as the connecting role (migrations, DDL, shared tables).
 */
export type Actor = { kind: 'user'; userId: string } | { kind: 'jobs' };

const acting = new AsyncLocalStorage<Actor>();

/** Runs `work` (and everything it awaits) for `actor`. */
export function actingAs<T>(actor: Actor, work: () => Promise<T>): Promise<T> {
  return acting.run(actor, work);
}

/** Runs `work` confined to `userId`'s rows. */
export function asUser<T>(userId: string, work: () => Promise<T>): Promise<T> {
  return actingAs({ kind: 'user', userId }, work);
}

/** Runs `work` as the jobs role (every row). */
export function asJobs<T>(work: () => Promise<T>): Promise<T> {
  return actingAs({ kind: 'jobs' }, work);
}

export function currentActor(): Actor | undefined {
  return acting.getStore();
}

/** Which roles the connecting role may switch to (checked once at start-up; a superuser may switch to any). */
export interface RoleSwitches {
  app: boolean;
  jobs: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The statements that put a transaction under `actor`; all `LOCAL`, so they
 * end with it. Plain SETs rather than `select set_config(…)`: a utility
 * statement is neither planned nor answers with a row to parse.
 */
export function actorStatements(actor: Actor, roles: RoleSwitches): string[] {
  if (actor.kind === 'jobs') {
    return [...(roles.jobs ? ['set local role questlog_jobs'] : []), `set local questlog.user_id = ''`];
  }
  // Fail closed: an id that is not a uuid never reaches SQL text.
  if (!UUID.test(actor.userId)) throw new Error('acting user id is not a uuid');
  return [...(roles.app ? ['set local role questlog_app'] : []), `set local questlog.user_id = '${actor.userId}'`];
}

const actorKey = (actor: Actor) => (actor.kind === 'user' ? `user:${actor.userId}` : 'jobs');

interface KnexQueryObject {
  sql: string;
  bindings?: unknown[];
  response?: unknown;
}

interface PgConnection {
  __knexTxId?: string;
  /** The actor the open transaction was put under (absent outside one, or after a rollback to a savepoint). */
  __questlogActor?: string;
}

/** Connection settings of the knex client carry the role switches (transaction clients share them). */
export interface RlsKnexConfig {
  questlogRoles?: RoleSwitches;
}

/**
 * The PostgreSQL dialect with the acting user folded into the statements it
 * already sends, so RLS costs no extra round trip: a transaction's `BEGIN`
 * carries the `set local` statements; a statement outside a transaction is
 * sent as one simple query after them (PostgreSQL runs a multi-statement query
 * as one implicit transaction, so the `local` settings end with it and an
 * error rolls all of it back). MikroORM inlines parameters, so every statement
 * it sends is plain text.
 */
export class ActingPostgreSqlDialect extends PostgreSqlKnexDialect {
  declare config: RlsKnexConfig;

  _query(connection: PgConnection, obj: KnexQueryObject): Promise<KnexQueryObject> {
    const actor = currentActor();
    const send = (query: KnexQueryObject) => super._query(connection, query) as Promise<KnexQueryObject>;
    const inTransaction = connection.__knexTxId !== undefined;
    if (inTransaction && /^(COMMIT|ROLLBACK)\b/i.test(obj.sql)) {
      // A savepoint rollback may undo the settings: the next statement sets them again.
      delete connection.__questlogActor;
      return send(obj);
    }
    if (!actor) return send(obj);
    const key = actorKey(actor);
    const begins = inTransaction && /^BEGIN\b/i.test(obj.sql);
    if (inTransaction && !begins && connection.__questlogActor === key) return send(obj);
    if (obj.bindings?.length) throw new Error('a statement with bindings cannot carry the acting user');
    const prefix = actorStatements(actor, this.config.questlogRoles ?? { app: false, jobs: false });
    const statement = obj.sql.trim().replace(/;$/, '');
    const sql = (begins ? [statement, ...prefix] : [...prefix, statement]).join(';\n');
    return send({ ...obj, sql }).then((sent) => {
      if (inTransaction) connection.__questlogActor = key;
      const results = Array.isArray(sent.response) ? (sent.response as unknown[]) : [sent.response];
      const own = begins ? results.slice(0, 1) : results.slice(prefix.length);
      obj.response = own.length === 1 ? own[0] : own;
      return obj;
    });
  }
}
