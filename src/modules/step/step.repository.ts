import { LockMode, sql, type EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BehaviorLogRepository, type BehaviorEntry } from '../analytics/behavior-log.repository.js';
import type { Difficulty, QuestStatus } from '../columns.js';
import { UserStats } from '../progression/user-stats.entity.js';
import { Quest } from '../quest/quest.entity.js';
import type { QuestKey } from '../quest/quest.rules.js';
import { sendTogether } from '../shared/send-together.js';
import { QuestStep } from './step.entity.js';
import type { StepRow } from './step.rules.js';

/** A quest with its checklist in order, as read under the quest's row lock. */
export interface QuestWithSteps {
  id: string;
  number: number;
  title: string;
  status: QuestStatus;
  difficulty: Difficulty;
  steps: StepRow[];
}

/** One write of a step change; the service decides them, the repository sends them in one round trip. */
export type StepWrite =
  | { kind: 'add'; id: string; questId: string; title: string; orderIndex: number }
  | { kind: 'complete'; id: string; at: Date }
  | { kind: 'reopen'; id: string }
  | { kind: 'remove'; id: string }
  | { kind: 'place'; id: string; questId: string; orderIndex: number }
  /** The user's steps-done counter (step achievements), never below zero. */
  | { kind: 'count'; userId: string; delta: 1 | -1 };

const STEP_ORDER = { orderIndex: 'asc', createdAt: 'asc', id: 'asc' } as const;

/** Steps: the step feature's only access to the database. */
export class StepRepository {
  private readonly log: BehaviorLogRepository;

  constructor(private readonly em: EntityManager) {
    this.log = new BehaviorLogRepository(em);
  }

  async transactional<T>(work: (steps: StepRepository) => Promise<T>): Promise<T> {
    return this.em.transactional((tx) => work(new StepRepository(tx)));
  }

  async listSteps(questId: string): Promise<StepRow[]> {
    const steps = await this.em.find(QuestStep, { quest: questId }, { fields: ['id', 'title', 'completed', 'orderIndex'], orderBy: STEP_ORDER });
    return steps.map((s) => ({ id: s.id, title: s.title, completed: s.completed, orderIndex: s.orderIndex }));
  }

  /**
   * Locks the user's quest row (FOR UPDATE), then reads its steps: one round
   * trip, two statements, so the steps are read in a snapshot taken after the
   * lock was granted (a join under the lock would see the steps as they were
   * before a concurrent change committed). Must run in a transaction.
   */
  async lockWithSteps(userId: string, key: QuestKey): Promise<QuestWithSteps | null> {
    const lock = this.em
      .createQueryBuilder(Quest, 'q')
      .select(['id', 'number', 'title', 'status', 'difficulty'])
      .where({ userId, ...key })
      .setLockMode(LockMode.PESSIMISTIC_WRITE);
    const steps = this.em
      .createQueryBuilder(QuestStep, 's')
      .select(['id', 'title', 'completed', 'orderIndex'])
      .where({ quest: { userId, ...key } })
      .orderBy(STEP_ORDER);
    const [questRows = [], stepRows = []] = await sendTogether(this.em, [lock, steps]);
    const quest = this.mapRow(Quest, questRows[0]);
    if (!quest) return null;
    return {
      id: quest.id!,
      number: quest.number!,
      title: quest.title!,
      status: quest.status!,
      difficulty: quest.difficulty!,
      steps: stepRows.map((row) => {
        const step = this.mapRow(QuestStep, row)!;
        return { id: step.id!, title: step.title!, completed: step.completed!, orderIndex: step.orderIndex! };
      }),
    };
  }

  /** Applies a change's writes and its behavior log entry together, in one round trip. */
  async write(writes: StepWrite[], log: BehaviorEntry): Promise<void> {
    await sendTogether(this.em, [...writes.map((w) => this.query(w)), this.log.appendQuery(log)]);
  }

  private query(write: StepWrite) {
    const steps = () => this.em.createQueryBuilder(QuestStep);
    switch (write.kind) {
      case 'add':
        return steps().insert({ id: write.id, quest: write.questId, title: write.title, orderIndex: write.orderIndex });
      case 'complete':
        return steps().update({ completed: true, completedAt: write.at }).where({ id: write.id });
      case 'reopen':
        return steps().update({ completed: false, completedAt: null }).where({ id: write.id });
      case 'remove':
        return steps().delete({ id: write.id });
      case 'place':
        return steps().update({ orderIndex: write.orderIndex }).where({ id: write.id, quest: write.questId });
      case 'count':
        return this.em
          .createQueryBuilder(UserStats)
          .insert({ userId: write.userId, stepsDone: Math.max(0, write.delta) })
          .onConflict(['userId'])
          .merge({ stepsDone: sql`greatest(0, ${sql.ref('user_stats.steps_done')} + ${write.delta})` });
    }
  }

  /** A raw row of `entity` (column names) as property values. */
  private mapRow<T extends object>(entity: EntityName<T>, row: Record<string, unknown> | undefined): Partial<T> | null {
    if (!row) return null;
    return this.em.getDriver().mapResult(row as never, this.em.getMetadata().get(entity)) as Partial<T> | null;
  }
}
