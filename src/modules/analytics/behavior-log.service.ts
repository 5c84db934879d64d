import type { EntityManager } from '@mikro-orm/postgresql';
import { BehaviorLogRepository } from './behavior-log.repository.js';

/** Appends to the behavior log; callers pass their transaction's EntityManager. */
export async function logBehavior(em: EntityManager, userId: string, actionType: string, actionData: Record<string, unknown>): Promise<void> {
  await new BehaviorLogRepository(em).append({ userId, actionType, actionData });
}

// Transitional: the progression and streak repositories still send raw statements
// in one round trip through this; move it into them (or onto sendTogether) and delete it.

export interface Statement {
  sql: string;
  params?: unknown[];
}

/** Sends several statements in one round trip and returns the rows of each, in order. */
export async function executeBatchAll(em: EntityManager, statements: Statement[]): Promise<Array<Record<string, unknown>[]>> {
  const live = statements.filter((s) => s.sql);
  if (live.length === 1) return [await em.execute<Record<string, unknown>[]>(live[0]!.sql, live[0]!.params ?? [])];
  const sql = live.map((s) => s.sql.trim().replace(/;$/, '')).join(';\n');
  const results: unknown = await em.execute<any>(
    sql,
    live.flatMap((s) => s.params ?? []),
  );
  return Array.isArray(results) ? (results as Array<Record<string, unknown>[]>) : [];
}
