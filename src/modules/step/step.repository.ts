import type { EntityManager } from '@mikro-orm/postgresql';
import { BehaviorLogRepository, type BehaviorEntry } from '../analytics/behavior-log.repository.js';
import type { Difficulty, QuestStatus } from '../columns.js';
import { FINISHED_STATUSES, type QuestKey } from '../quest/quest.rules.js';
import { sendStatements, type Statement } from '../shared/send-together.js';
import { statusIn } from '../shared/status-in.js';
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
/** The same checklist order in the raw statements (steps aliased `s`). */
const STEP_ORDER_SQL = 's.order_index asc, s.created_at asc, s.id asc';

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
    const [questRows = [], stepRows = []] = await sendStatements(this.em, this.lockStatements(userId, key));
    return toQuestWithSteps(questRows, stepRows);
  }

  // raw: every step command starts here (step add and step done are hot); building these two as query
  // builders cost more CPU (75-190 µs each, profiled) than the round trip itself; see npm run bench -- quests.
  private lockStatements(userId: string, key: QuestKey): Statement[] {
    const [target, value] = keyColumn(key);
    return [
      { sql: `select id, number, title, status, difficulty from quests where user_id = ? and ${target} = ? for update`, params: [userId, value] },
      {
        sql: `select s.id, s.title, s.completed, s.order_index from quest_steps s join quests q on q.id = s.quest_id
          where q.user_id = ? and q.${target} = ? order by ${STEP_ORDER_SQL}`,
        params: [userId, value],
      },
    ];
  }

  /**
   * `/step done` by position in one round trip, the hot path of the step
   * commands: one simple query, so one implicit transaction, that locks the
   * quest row (FOR UPDATE), reads its steps after the lock (as
   * `lockWithSteps`), then ticks the step at `position` in checklist order,
   * counts it in the user's steps-done counter and logs it, only if the quest
   * is not finished and the step is still open. It does what the locked path
   * does with the writes `complete` + `count` and the same log entry, and
   * skips every write when any of those checks fails: `completedId` is then
   * null and the caller decides why from the quest and steps it read.
   */
  async completeAtPosition(userId: string, key: QuestKey, position: number, at: Date): Promise<{ quest: QuestWithSteps | null; completedId: string | null }> {
    const [target, value] = keyColumn(key);
    // raw: the tick, the counter and the log depend on the row the lock found; writable CTEs in one
    // statement keep step done at one round trip (5 through a transaction, npm run bench -- quests).
    const tick: Statement = {
      sql: `with target as (
          select s.id, s.quest_id from quest_steps s join quests q on q.id = s.quest_id
          where q.user_id = ? and q.${target} = ? and not ${statusIn('q.status', FINISHED_STATUSES)}
          order by ${STEP_ORDER_SQL} offset ? limit 1
        ), done as (
          update quest_steps s set completed = true, completed_at = ? from target where s.id = target.id and not s.completed
          returning s.id, s.quest_id
        ), counted as (
          insert into user_stats (user_id, steps_done) select ?, 1 from done
          on conflict (user_id) do update set steps_done = greatest(0, user_stats.steps_done + 1)
        ), logged as (
          insert into user_behavior_logs (user_id, action_type, action_data)
          select ?, 'step_completed', jsonb_build_object('questId', quest_id, 'stepId', id, 'position', ?::int) from done
        )
        select id from done`,
      params: [userId, value, position - 1, at.toISOString(), userId, userId, position],
    };
    const [questRows = [], stepRows = [], doneRows = []] = await sendStatements(this.em, [...this.lockStatements(userId, key), tick]);
    return { quest: toQuestWithSteps(questRows, stepRows), completedId: (doneRows[0]?.id as string | undefined) ?? null };
  }

  /**
   * `/step add` at the end in one round trip, like `completeAtPosition`: locks
   * the quest row, reads its steps after the lock, then inserts the step at
   * position n+1 and logs it, only if the quest is not finished and its steps
   * are already numbered 1..n (`isDense`, said again in SQL because the insert
   * depends on it; otherwise the locked path renumbers them first).
   * `added` is false when nothing was written; the caller decides why from the
   * quest and steps it read.
   */
  async appendAtEnd(userId: string, key: QuestKey, id: string, title: string): Promise<{ quest: QuestWithSteps | null; added: boolean }> {
    const [target, value] = keyColumn(key);
    // raw: the insert's position depends on the rows the lock found; writable CTEs in one statement keep
    // step add at one round trip (5 through a transaction, npm run bench -- quests).
    const append: Statement = {
      sql: `with target as (
          select q.id from quests q where q.user_id = ? and q.${target} = ? and not ${statusIn('q.status', FINISHED_STATUSES)}
        ), placed as (
          select target.id as quest_id, count(s.id) + 1 as order_index from target left join quest_steps s on s.quest_id = target.id
          group by target.id
          having count(s.id) = coalesce(max(s.order_index), 0) and count(distinct s.order_index) = count(s.id) and coalesce(min(s.order_index), 1) = 1
        ), added as (
          insert into quest_steps (id, quest_id, title, order_index) select ?, quest_id, ?, order_index from placed
          returning id, quest_id, order_index
        ), logged as (
          insert into user_behavior_logs (user_id, action_type, action_data)
          select ?, 'step_added', jsonb_build_object('questId', quest_id, 'stepId', id, 'position', order_index) from added
        )
        select id from added`,
      params: [userId, value, id, title, userId],
    };
    const [questRows = [], stepRows = [], addedRows = []] = await sendStatements(this.em, [...this.lockStatements(userId, key), append]);
    return { quest: toQuestWithSteps(questRows, stepRows), added: addedRows.length === 1 };
  }

  /** Applies a change's writes and its behavior log entry together, in one round trip. */
  async write(writes: StepWrite[], log: BehaviorEntry): Promise<void> {
    await sendStatements(this.em, [...writes.map((w) => this.statement(w)), this.log.appendStatement(log)]);
  }

  // raw: one statement per write kind, sent together; the query-builder versions cost more CPU than the
  // round trip on the hot step commands (npm run bench -- quests).
  private statement(write: StepWrite): Statement {
    switch (write.kind) {
      case 'add':
        return {
          sql: 'insert into quest_steps (id, quest_id, title, order_index) values (?, ?, ?, ?)',
          params: [write.id, write.questId, write.title, write.orderIndex],
        };
      case 'complete':
        return { sql: 'update quest_steps set completed = true, completed_at = ? where id = ?', params: [write.at.toISOString(), write.id] };
      case 'reopen':
        return { sql: 'update quest_steps set completed = false, completed_at = null where id = ?', params: [write.id] };
      case 'remove':
        return { sql: 'delete from quest_steps where id = ?', params: [write.id] };
      case 'place':
        return { sql: 'update quest_steps set order_index = ? where id = ? and quest_id = ?', params: [write.orderIndex, write.id, write.questId] };
      case 'count':
        return {
          sql: `insert into user_stats (user_id, steps_done) values (?, ?)
            on conflict (user_id) do update set steps_done = greatest(0, user_stats.steps_done + ?)`,
          params: [write.userId, Math.max(0, write.delta), write.delta],
        };
    }
  }
}

/** The quests column a key names the quest by, and its value. */
function keyColumn(key: QuestKey): ['number', number] | ['id', string] {
  return 'number' in key ? ['number', key.number] : ['id', key.id];
}

/** The quest row and its step rows as the lock statements return them; null when the quest was not found. */
function toQuestWithSteps(questRows: Array<Record<string, unknown>>, stepRows: Array<Record<string, unknown>>): QuestWithSteps | null {
  const quest = questRows[0] as Pick<QuestWithSteps, 'id' | 'number' | 'title' | 'status' | 'difficulty'> | undefined;
  if (!quest) return null;
  return {
    id: quest.id,
    number: quest.number,
    title: quest.title,
    status: quest.status,
    difficulty: quest.difficulty,
    steps: stepRows.map((row) => ({
      id: row.id as string,
      title: row.title as string,
      completed: Boolean(row.completed),
      orderIndex: Number(row.order_index),
    })),
  };
}
