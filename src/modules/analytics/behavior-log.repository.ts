import type { EntityManager } from '@mikro-orm/postgresql';
import type { Statement } from '../shared/send-together.js';
import { UserBehaviorLog } from './behavior-log.entity.js';

/** What a user did, for analytics: one row per action, written inside the action's transaction. */
export interface BehaviorEntry {
  userId: string;
  actionType: string;
  actionData: Record<string, unknown>;
}

/** The behavior log's only access to the database. */
export class BehaviorLogRepository {
  constructor(private readonly em: EntityManager) {}

  /** Appends one entry; pass the repository of the transaction's EntityManager to commit with it. */
  async append(entry: BehaviorEntry): Promise<void> {
    await this.em.insert(UserBehaviorLog, entry);
  }

  /**
   * The same insert as a query builder, for repositories that send it in one
   * round trip with their own writes (see `sendTogether`).
   */
  appendQuery(entry: BehaviorEntry) {
    return this.em.createQueryBuilder(UserBehaviorLog).insert(entry);
  }

  /** The same insert as a raw statement, for hot paths that batch raw statements (see `sendStatements`). */
  appendStatement(entry: BehaviorEntry): Statement {
    return {
      sql: 'insert into user_behavior_logs (user_id, action_type, action_data) values (?, ?, ?)',
      params: [entry.userId, entry.actionType, JSON.stringify(entry.actionData)],
    };
  }
}
