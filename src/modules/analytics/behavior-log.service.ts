import type { EntityManager } from '@mikro-orm/postgresql';

/** Appends to `user_behavior_logs`; callers pass their transaction's EntityManager. */
export async function logBehavior(em: EntityManager, userId: string, actionType: string, actionData: Record<string, unknown>): Promise<void> {
  await em.execute('insert into user_behavior_logs (user_id, action_type, action_data) values (?, ?, ?)', [
    userId,
    actionType,
    JSON.stringify(actionData),
  ]);
}
