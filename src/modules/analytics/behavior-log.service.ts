import type { EntityManager } from '@mikro-orm/postgresql';

/** The insert `logBehavior` runs, for callers that batch it with other writes of one statement. */
export function behaviorLogInsert(userId: string, actionType: string, actionData: Record<string, unknown>): { sql: string; params: unknown[] } {
  return {
    sql: 'insert into user_behavior_logs (user_id, action_type, action_data) values (?, ?, ?)',
    params: [userId, actionType, JSON.stringify(actionData)],
  };
}

/** Appends to `user_behavior_logs`; callers pass their transaction's EntityManager. */
export async function logBehavior(em: EntityManager, userId: string, actionType: string, actionData: Record<string, unknown>): Promise<void> {
  const { sql, params } = behaviorLogInsert(userId, actionType, actionData);
  await em.execute(sql, params);
}

export interface Statement {
  sql: string;
  params?: unknown[];
}

/**
 * Sends several statements in one round trip (a multi-statement simple query;
 * parameters are inlined by the ORM) and returns the rows of the first. Inside
 * a transaction they commit or roll back with it; alone they run atomically.
 */
export async function executeBatch<T = Record<string, unknown>>(em: EntityManager, statements: Statement[]): Promise<T[]> {
  return ((await executeBatchAll(em, statements))[0] ?? []) as T[];
}

/** Like `executeBatch`, returning the rows of every statement in order. */
export async function executeBatchAll(em: EntityManager, statements: Statement[]): Promise<Array<Record<string, unknown>[]>> {
  const live = statements.filter((s) => s.sql);
  if (live.length === 1) return [await em.execute<Record<string, unknown>[]>(live[0]!.sql, live[0]!.params ?? [])];
  const sql = live.map((s) => s.sql.trim().replace(/;$/, '')).join(';\n');
  const results: unknown = await em.execute<any>(sql, live.flatMap((s) => s.params ?? []));
  return Array.isArray(results) ? (results as Array<Record<string, unknown>[]>) : [];
}
