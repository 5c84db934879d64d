import type { EntityManager } from '@mikro-orm/postgresql';

/** Anything MikroORM can format as one statement (a query builder). */
export interface Formattable {
  getFormattedQuery(): string;
}

/**
 * Sends the statements of several query builders in one round trip and returns
 * the raw rows of each, in order. Inside a transaction they commit or roll back
 * with it. Repositories use it on hot paths where one round trip per statement
 * would cost more than the command's own work.
 */
export async function sendTogether(em: EntityManager, queries: Array<Formattable | undefined>): Promise<Array<Array<Record<string, unknown>>>> {
  const live = queries.filter((q): q is Formattable => q !== undefined).map((q) => q.getFormattedQuery());
  if (!live.length) return [];
  // raw: MikroORM has no statement pipelining; the text is MikroORM's own formatting of each query builder.
  const results: unknown = await em.execute<any>(live.join(';\n'));
  if (live.length === 1) return [results as Array<Record<string, unknown>>];
  return Array.isArray(results) ? (results as Array<Array<Record<string, unknown>>>) : [];
}
