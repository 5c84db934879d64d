import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { sqlKind, sqlShape } from '../../core/redact.js';

/** Statements slower than this are logged (shape only) and counted. */
export const SLOW_STATEMENT_MS = 500;

interface KnexQuery {
  __knexQueryUid?: string;
  sql?: string;
}

interface KnexLike {
  on(event: string, listener: (...args: any[]) => void): void;
  client: { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number; max: number } };
}

/**
 * Times every statement (knex's query events, which MikroORM's queries and
 * `em.execute` all go through) into a histogram by statement kind, logs the
 * shape of slow ones, and exposes the pool's usage. No SQL text or parameter
 * reaches a metric; the slow-statement log carries the shape only.
 */
export function instrumentDatabase(orm: MikroORM, metrics: Metrics, logger: Logger, slowMs = SLOW_STATEMENT_MS): void {
  const knex = (orm.em.getConnection() as unknown as { getKnex(): KnexLike }).getKnex();
  const started = new Map<string, { at: number; sql: string }>();
  const finish = (query: KnexQuery, outcome: 'ok' | 'error') => {
    const uid = query.__knexQueryUid;
    const start = uid ? started.get(uid) : undefined;
    if (!uid || !start) return;
    started.delete(uid);
    const ms = performance.now() - start.at;
    const kind = sqlKind(start.sql);
    metrics.statements.observe({ kind, outcome }, ms / 1000);
    if (ms >= slowMs) {
      metrics.slowStatements.inc({ kind });
      logger.warn({ statement: sqlShape(start.sql), kind, ms: Math.round(ms) }, 'slow statement');
    }
  };
  knex.on('query', (query: KnexQuery) => {
    if (!query.__knexQueryUid || !query.sql) return;
    // Bounded: an entry whose response never came (a dropped connection) must not pile up.
    if (started.size > 10_000) started.clear();
    started.set(query.__knexQueryUid, { at: performance.now(), sql: query.sql });
  });
  knex.on('query-response', (_response: unknown, query: KnexQuery) => finish(query, 'ok'));
  knex.on('query-error', (_error: unknown, query: KnexQuery) => finish(query, 'error'));
  metrics.watchPool(() => {
    const pool = knex.client.pool;
    return pool ? { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires(), max: pool.max } : undefined;
  });
}
