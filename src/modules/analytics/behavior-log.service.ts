import type { EntityManager } from '@mikro-orm/postgresql';
import { BehaviorLogRepository } from './behavior-log.repository.js';

/** Appends to the behavior log; callers pass their transaction's EntityManager. */
export async function logBehavior(em: EntityManager, userId: string, actionType: string, actionData: Record<string, unknown>): Promise<void> {
  await new BehaviorLogRepository(em).append({ userId, actionType, actionData });
}
