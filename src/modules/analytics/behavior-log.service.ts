import type { EntityManager } from '@mikro-orm/postgresql';
import { BehaviorLogRepository } from './behavior-log.repository.js';

/** Appends to the behavior log; callers pass their transaction's EntityManager. */
export async function logBehavior(em: EntityManager, userId: string, actionType: string, actionData: Record<string, unknown>): Promise<void> {
  await new BehaviorLogRepository(em).append({ userId, actionType, actionData });
}

// Transitional: progression and streak (being moved to repositories separately)
// still batch raw statements; delete these two once they no longer import them.

/** The insert `logBehavior` runs, as raw SQL for the progression batch. */
export function behaviorLogInsert(userId: string, actionType: string, actionData: Record<string, unknown>): { sql: string; params: unknown[] } {
  return {
    sql: 'insert into user_behavior_logs (user_id, action_type, action_data) values (?, ?, ?)',
    params: [userId, actionType, JSON.stringify(actionData)],
  };
}

export interface Statement {
  sql: string;
  params?: unknown[];
}

/** Sends several statements in one round trip and returns the rows of each, in order. */
export async function executeBatchAll(em: EntityManager, statements: Statement[]): Promise<Array<Record<string, unknown>[]>> {
  const live = statements.filter((s) => s.sql);
  if (live.length === 1) return [await em.execute<Record<string, unknown>[]>(live[0]!.sql, live[0]!.params ?? [])];
  const sql = live.map((s) => s.sql.trim().replace(/;$/, '')).join(';\n');
  const results: unknown = await em.execute<any>(sql, live.flatMap((s) => s.params ?? []));
  return Array.isArray(results) ? (results as Array<Record<string, unknown>[]>) : [];
}
