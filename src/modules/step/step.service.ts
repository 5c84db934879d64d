import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, plain } from '../../core/errors.js';
import { escapeMarkdown as md } from '../../core/markdown.js';
import { behaviorLogInsert, executeBatch, executeBatchAll, type Statement } from '../analytics/behavior-log.service.js';
import type { QuestRow, QuestService } from '../quest/quest.service.js';
import { stepsDoneStatement } from '../progression/user-stats.js';
import { checkPosition, isDense, moveInOrder, resolveStep, type StepRow } from './step.rules.js';

/** A quest with its ordered checklist: what every step reply shows. */
export interface StepView extends Pick<QuestRow, 'id' | 'number' | 'title' | 'status' | 'difficulty'> {
  steps: StepRow[];
}

/** What a step command changed, with the quest's checklist as it was committed. */
export interface StepChange {
  quest: StepView;
  step: { title: string; position: number };
  /** For moves: where the step was. */
  from?: number;
}

type Applied = Omit<StepChange, 'quest'> & { steps: StepRow[] };

const VIEW_COLUMNS = 'id, number, title, status, difficulty';
const STEPS = 'select id, title, completed, order_index as "orderIndex" from quest_steps where quest_id = ? order by order_index, created_at, id';

/**
 * Step verbs. Each change locks the quest row first, so concurrent edits of one
 * quest run one after another and `order_index` stays 1..n without gaps.
 */
export class StepService {
  constructor(
    private readonly em: EntityManager,
    private readonly quests: QuestService,
  ) {}

  async listSteps(userId: string, questRef: string): Promise<StepView> {
    const quest = await this.quests.resolveQuest(userId, questRef);
    const steps = await this.em.execute<StepRow[]>(STEPS, [quest.id]);
    return { id: quest.id, number: quest.number, title: quest.title, status: quest.status, difficulty: quest.difficulty, steps };
  }

  /** Adds a step at `position` (1..n+1, default last). */
  async addStep(userId: string, questRef: string, title: string, position?: number): Promise<StepChange> {
    return this.change(userId, questRef, async (tx, quest) => {
      const at = position ?? quest.steps.length + 1;
      checkPosition('position', at, quest.steps.length + 1, quest.number);
      const id = randomUUID();
      const steps = [...quest.steps];
      steps.splice(at - 1, 0, { id, title, completed: false, orderIndex: at });
      const renumbered = renumber(quest.id, steps);
      await executeBatch(tx, [
        { sql: 'insert into quest_steps (id, quest_id, title, order_index) values (?, ?, ?, ?)', params: [id, quest.id, title, at] },
        behaviorLogInsert(userId, 'step_added', { questId: quest.id, stepId: id, position: at }),
        renumbered.statement,
      ]);
      return { step: { title, position: at }, steps: renumbered.steps };
    });
  }

  async completeStep(userId: string, questRef: string, stepRef: string, now: Date): Promise<StepChange> {
    return this.change(userId, questRef, async (tx, quest) => {
      const step = resolveStep(quest.steps, stepRef, quest.number, (s) => !s.completed);
      if (step.completed) throw new ConflictError(plain(`Step ${step.position} of #${quest.number} (${md(step.title)}) is already done.`));
      await executeBatch(tx, [
        { sql: 'update quest_steps set completed = true, completed_at = ?::timestamptz where id = ?', params: [now.toISOString(), step.id] },
        behaviorLogInsert(userId, 'step_completed', { questId: quest.id, stepId: step.id, position: step.position }),
        stepsDoneStatement(userId, 1),
      ]);
      return { step: { title: step.title, position: step.position }, steps: quest.steps.map((s) => (s.id === step.id ? { ...s, completed: true } : s)) };
    });
  }

  /** Marks a finished step as not done again. */
  async reopenStep(userId: string, questRef: string, stepRef: string): Promise<StepChange> {
    return this.change(userId, questRef, async (tx, quest) => {
      const step = resolveStep(quest.steps, stepRef, quest.number, (s) => s.completed);
      if (!step.completed) throw new ConflictError(plain(`Step ${step.position} of #${quest.number} (${md(step.title)}) is not done yet.`));
      await executeBatch(tx, [
        { sql: 'update quest_steps set completed = false, completed_at = null where id = ?', params: [step.id] },
        behaviorLogInsert(userId, 'step_reopened', { questId: quest.id, stepId: step.id, position: step.position }),
        stepsDoneStatement(userId, -1),
      ]);
      return { step: { title: step.title, position: step.position }, steps: quest.steps.map((s) => (s.id === step.id ? { ...s, completed: false } : s)) };
    });
  }

  async moveStep(userId: string, questRef: string, stepRef: string, position: number): Promise<StepChange> {
    return this.change(userId, questRef, async (tx, quest) => {
      const step = resolveStep(quest.steps, stepRef, quest.number);
      checkPosition('position', position, quest.steps.length, quest.number);
      const renumbered = renumber(quest.id, moveInOrder(quest.steps, step.position, position));
      await executeBatch(tx, [
        behaviorLogInsert(userId, 'step_moved', { questId: quest.id, stepId: step.id, from: step.position, to: position }),
        renumbered.statement,
      ]);
      return { step: { title: step.title, position }, from: step.position, steps: renumbered.steps };
    });
  }

  async removeStep(userId: string, questRef: string, stepRef: string): Promise<StepChange> {
    return this.change(userId, questRef, async (tx, quest) => {
      const step = resolveStep(quest.steps, stepRef, quest.number);
      const renumbered = renumber(
        quest.id,
        quest.steps.filter((s) => s.id !== step.id),
      );
      await executeBatch(tx, [
        { sql: 'delete from quest_steps where id = ?', params: [step.id] },
        behaviorLogInsert(userId, 'step_removed', { questId: quest.id, stepId: step.id, position: step.position, title: step.title }),
        renumbered.statement,
      ]);
      return { step: { title: step.title, position: step.position }, steps: renumbered.steps };
    });
  }

  /**
   * Runs one step change in a transaction holding the quest's row lock, against
   * the steps as they stand under that lock; finished quests refuse changes.
   * The reply shows what the transaction wrote, so nothing is read back.
   */
  private async change(userId: string, questRef: string, apply: (tx: EntityManager, quest: StepView) => Promise<Applied>): Promise<StepChange> {
    const target = await this.quests.questTarget(userId, questRef);
    return this.em.transactional(async (tx) => {
      // One round trip: lock the quest row, then (a later statement, so a fresh
      // snapshot taken after the lock was granted) read its steps.
      const [rows, stepRows] = await executeBatchAll(tx, [
        { sql: `select ${VIEW_COLUMNS} from quests q where q.user_id = ? and ${target.clause} for update`, params: [userId, target.value] },
        {
          sql: `select s.id, s.title, s.completed, s.order_index as "orderIndex" from quest_steps s
                where s.quest_id = (select q.id from quests q where q.user_id = ? and ${target.clause})
                order by s.order_index, s.created_at, s.id`,
          params: [userId, target.value],
        },
      ]);
      const quest = rows?.[0] as Omit<StepView, 'steps'> | undefined;
      if (!quest) throw new NotFoundError(plain(target.missing));
      if (quest.status === 'COMPLETED') throw new ConflictError(plain(`Quest #${quest.number} is completed, so its steps can no longer change.`));
      if (quest.status === 'ARCHIVED') {
        throw new ConflictError(plain(`Quest #${quest.number} is archived, so its steps cannot change: unarchive it first with \`/quest unarchive #${quest.number}\`.`));
      }
      const view = { ...quest, steps: (stepRows ?? []) as unknown as StepRow[] };
      const { steps, ...applied } = await apply(tx, view);
      return { ...applied, quest: { ...quest, steps } };
    });
  }
}

/**
 * The one set-based statement that writes positions 1..n in the given order,
 * touching only rows that move (none when already dense); and the steps with
 * their new positions.
 */
function renumber(questId: string, steps: StepRow[]): { statement: Statement; steps: StepRow[] } {
  const statement = isDense(steps)
    ? { sql: '' }
    : {
        sql: `update quest_steps s set order_index = o.position
              from jsonb_array_elements_text(?::jsonb) with ordinality as o(id, position)
              where s.quest_id = ? and s.id = o.id::uuid and s.order_index <> o.position`,
        params: [JSON.stringify(steps.map((s) => s.id)), questId],
      };
  return { statement, steps: steps.map((s, i) => ({ ...s, orderIndex: i + 1 })) };
}
