import type { EntityManager } from '@mikro-orm/postgresql';

/** Anything MikroORM can format as one statement (a query builder). */
export interface Formattable {
  getFormattedQuery(): string;
}

/** One raw statement with its `?` parameters, for a repository's own batches. */
export interface Statement {
  sql: string;
  params?: unknown[];
}

/**
 * Sends several statements in one round trip (a multi-statement simple query;
 * MikroORM inlines the parameters) and returns the rows of each, in order.
 * Inside a transaction they commit or roll back with it. Repositories use it
 * on hot paths where one round trip per statement would cost more than the
 * command's own work.
 */
export async function sendStatements(em: EntityManager, statements: Statement[]): Promise<Array<Array<Record<string, unknown>>>> {
  const live = statements.filter((s) => s.sql);
  if (!live.length) return [];
  // raw: MikroORM has no statement pipelining; one simple query carries them all.
  const results: unknown = await em.execute<any>(
    live.map((s) => s.sql.trim().replace(/;$/, '')).join(';\n'),
    live.flatMap((s) => s.params ?? []),
  );
  if (live.length === 1) return [results as Array<Record<string, unknown>>];
  return Array.isArray(results) ? (results as Array<Array<Record<string, unknown>>>) : [];
}

/** Like `sendStatements`, for query builders: the text is MikroORM's own formatting of each. */
export function sendTogether(em: EntityManager, queries: Array<Formattable | undefined>): Promise<Array<Array<Record<string, unknown>>>> {
  return sendStatements(
    em,
    queries.filter((q): q is Formattable => q !== undefined).map((q) => ({ sql: q.getFormattedQuery() })),
  );
}
