import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Message } from '../../core/messages.js';
import type { QuestRow, QuestService } from '../quest/quest.service.js';
import { stepMessages } from './step.messages.js';
import { StepRepository, type QuestWithSteps, type StepWrite } from './step.repository.js';
import { checkPosition, isDense, moveInOrder, resolveStep, stepPosition, type PlacedStep, type StepRow } from './step.rules.js';

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

/**
 * Step verbs. Each change locks the quest row first, so concurrent edits of one
 * quest run one after another and `orderIndex` stays 1..n without gaps.
 */
export class StepService {
  private readonly repo: StepRepository;

  constructor(
    em: EntityManager,
    private readonly quests: QuestService,
  ) {
    this.repo = new StepRepository(em);
  }

  async listSteps(userId: string, questRef: string): Promise<StepView> {
    const quest = await this.quests.resolveQuest(userId, questRef);
    const steps = await this.repo.listSteps(quest.id);
    return { id: quest.id, number: quest.number, title: quest.title, status: quest.status, difficulty: quest.difficulty, steps };
  }

  /**
   * Adds a step at `position` (1..n+1, default last). Adding at the end takes
   * the repository's one-round-trip path; when that adds nothing, the quest
   * read under the lock says why (not found, finished), and steps that need
   * renumbering first take the locked path.
   */
  async addStep(userId: string, questRef: string, title: string, position?: number): Promise<StepChange> {
    let target: QuestTarget | undefined;
    if (position === undefined) {
      target = await this.quests.questKey(userId, questRef);
      const id = randomUUID();
      const { quest, added } = await this.repo.appendAtEnd(userId, target.key, id, title);
      const locked = acceptingChanges(quest, target.missing);
      const at = locked.steps.length + 1;
      if (added) return asChange(locked, { step: { title, position: at }, steps: withNewStep(locked.steps, at, id, title) });
    }
    return this.change(userId, target ?? questRef, async (steps, quest) => {
      const at = position ?? quest.steps.length + 1;
      checkPosition('position', at, quest.steps.length + 1, quest.number);
      const id = randomUUID();
      const renumbered = renumber(quest.id, withNewStep(quest.steps, at, id, title));
      await steps.write([{ kind: 'add', id, questId: quest.id, title, orderIndex: at }, ...renumbered.writes.filter((w) => w.id !== id)], {
        userId,
        actionType: 'step_added',
        actionData: { questId: quest.id, stepId: id, position: at },
      });
      return { step: { title, position: at }, steps: renumbered.steps };
    });
  }

  /**
   * Ticks a step off. A step named by its position takes the repository's
   * one-round-trip path; when that ticks nothing, the quest and steps it read
   * under the lock say why, with the same errors as the locked path. A title
   * fragment takes the locked path, as would a tick the rows cannot explain
   * (not expected: the lock holds from the read to the tick).
   */
  async completeStep(userId: string, questRef: string, stepRef: string, now: Date): Promise<StepChange> {
    const position = stepPosition(stepRef);
    let target: QuestTarget | undefined;
    if (position !== null && position >= 1) {
      target = await this.quests.questKey(userId, questRef);
      const { quest, completedId } = await this.repo.completeAtPosition(userId, target.key, position, now);
      const locked = acceptingChanges(quest, target.missing);
      const step = resolveStep(locked.steps, stepRef, locked.number);
      if (completedId === step.id) return asChange(locked, marked(locked.steps, step, true));
      refuseIfDone(step, locked.number);
    }
    return this.change(userId, target ?? questRef, async (steps, quest) => {
      const step = resolveStep(quest.steps, stepRef, quest.number, (s) => !s.completed);
      refuseIfDone(step, quest.number);
      await steps.write(
        [
          { kind: 'complete', id: step.id, at: now },
          { kind: 'count', userId, delta: 1 },
        ],
        { userId, actionType: 'step_completed', actionData: { questId: quest.id, stepId: step.id, position: step.position } },
      );
      return marked(quest.steps, step, true);
    });
  }

  /** Marks a finished step as not done again. */
  async reopenStep(userId: string, questRef: string, stepRef: string): Promise<StepChange> {
    return this.change(userId, questRef, async (steps, quest) => {
      const step = resolveStep(quest.steps, stepRef, quest.number, (s) => s.completed);
      if (!step.completed) throw new ConflictError(stepMessages.not_done({ position: step.position, number: quest.number, title: step.title }));
      await steps.write(
        [
          { kind: 'reopen', id: step.id },
          { kind: 'count', userId, delta: -1 },
        ],
        { userId, actionType: 'step_reopened', actionData: { questId: quest.id, stepId: step.id, position: step.position } },
      );
      return marked(quest.steps, step, false);
    });
  }

  async moveStep(userId: string, questRef: string, stepRef: string, position: number): Promise<StepChange> {
    return this.change(userId, questRef, async (steps, quest) => {
      const step = resolveStep(quest.steps, stepRef, quest.number);
      checkPosition('position', position, quest.steps.length, quest.number);
      const renumbered = renumber(quest.id, moveInOrder(quest.steps, step.position, position));
      await steps.write(renumbered.writes, {
        userId,
        actionType: 'step_moved',
        actionData: { questId: quest.id, stepId: step.id, from: step.position, to: position },
      });
      return { step: { title: step.title, position }, from: step.position, steps: renumbered.steps };
    });
  }

  async removeStep(userId: string, questRef: string, stepRef: string): Promise<StepChange> {
    return this.change(userId, questRef, async (steps, quest) => {
      const step = resolveStep(quest.steps, stepRef, quest.number);
      const renumbered = renumber(
        quest.id,
        quest.steps.filter((s) => s.id !== step.id),
      );
      await steps.write([{ kind: 'remove', id: step.id }, ...renumbered.writes], {
        userId,
        actionType: 'step_removed',
        actionData: { questId: quest.id, stepId: step.id, position: step.position, title: step.title },
      });
      return { step: { title: step.title, position: step.position }, steps: renumbered.steps };
    });
  }

  /**
   * Runs one step change in a transaction holding the quest's row lock, against
   * the steps as they stand under that lock; finished quests refuse changes.
   * The reply shows what the transaction wrote, so nothing is read back. A
   * quest a one-trip path already resolved is not looked up again.
   */
  private async change(
    userId: string,
    quest: string | QuestTarget,
    apply: (steps: StepRepository, quest: QuestWithSteps) => Promise<Applied>,
  ): Promise<StepChange> {
    const { key, missing } = typeof quest === 'string' ? await this.quests.questKey(userId, quest) : quest;
    return this.repo.transactional(async (steps) => {
      const locked = acceptingChanges(await steps.lockWithSteps(userId, key), missing);
      return asChange(locked, await apply(steps, locked));
    });
  }
}

/** A quest reference resolved to its key, with the not-found message that names it. */
type QuestTarget = Awaited<ReturnType<QuestService['questKey']>>;

/** The quest read under its lock, if it exists and accepts step changes; otherwise the error that says why not. */
function acceptingChanges(locked: QuestWithSteps | null, missing: Message): QuestWithSteps {
  if (!locked) throw new NotFoundError(missing);
  if (locked.status === 'COMPLETED') throw new ConflictError(stepMessages.quest_completed({ number: locked.number }));
  if (locked.status === 'ARCHIVED') throw new ConflictError(stepMessages.quest_archived({ number: locked.number }));
  return locked;
}

/** The reply of a change: the quest as locked, with the checklist the change left. */
function asChange(locked: QuestWithSteps, { steps, ...applied }: Applied): StepChange {
  const { steps: _before, ...quest } = locked;
  return { ...applied, quest: { ...quest, steps } };
}

/** `step done` refuses a step that is already ticked off. */
function refuseIfDone(step: PlacedStep, questNumber: number): void {
  if (step.completed) throw new ConflictError(stepMessages.already_done({ position: step.position, number: questNumber, title: step.title }));
}

/** What ticking `step` off (or reopening it) does to the checklist. */
function marked(steps: StepRow[], step: PlacedStep, completed: boolean): Applied {
  return { step: { title: step.title, position: step.position }, steps: steps.map((s) => (s.id === step.id ? { ...s, completed } : s)) };
}

/** The checklist with a new, unticked step at position `at` (the others not yet renumbered). */
function withNewStep(steps: StepRow[], at: number, id: string, title: string): StepRow[] {
  const order = [...steps];
  order.splice(at - 1, 0, { id, title, completed: false, orderIndex: at });
  return order;
}

/**
 * The writes that put `steps` at positions 1..n in the given order, touching
 * only the steps that move (none when already dense); and the steps with their
 * new positions.
 */
function renumber(questId: string, steps: StepRow[]): { writes: Array<Extract<StepWrite, { kind: 'place' }>>; steps: StepRow[] } {
  const writes = isDense(steps)
    ? []
    : steps.flatMap((s, i) => (s.orderIndex === i + 1 ? [] : [{ kind: 'place' as const, id: s.id, questId, orderIndex: i + 1 }]));
  return { writes, steps: steps.map((s, i) => ({ ...s, orderIndex: i + 1 })) };
}
