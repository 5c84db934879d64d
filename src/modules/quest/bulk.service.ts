import { AppError } from '../../core/errors.js';
import { UntickedStepsRefusal, type CompleteQuestInput, type CompletionResult, type QuestDetail, type QuestService } from './quest.service.js';

/** What happened to one quest of a bulk command. */
export type BulkOutcome<T> =
  | { ref: string; kind: 'done'; result: T }
  /** Completing would leave steps unticked: asked first, nothing changed. */
  | { ref: string; kind: 'confirm'; quest: QuestDetail; unticked: number }
  | { ref: string; kind: 'refused'; message: string };

/**
 * Complete, archive or delete several quests at once, answering per quest. Each
 * quest is its own transaction (one quest's refusal does not undo the others'
 * completion), and refusals are reported with their reason instead of stopping
 * the rest.
 */
export class QuestBulkService {
  constructor(private readonly quests: QuestService) {}

  /** Completes each quest; one with unticked steps is only asked about unless `force`. */
  async complete(userId: string, refs: string[], input: CompleteQuestInput, force: boolean, now: Date): Promise<Array<BulkOutcome<CompletionResult>>> {
    return this.each(refs, async (ref) => {
      try {
        // The unticked-steps check is part of the completion's conditional update: no read before it.
        return { ref, kind: 'done', result: await this.quests.completeQuest(userId, ref, { ...input, askIfStepsUnticked: !force }, now) };
      } catch (error) {
        if (!(error instanceof UntickedStepsRefusal)) throw error;
        return { ref, kind: 'confirm', quest: await this.quests.viewQuest(userId, ref), unticked: error.unticked };
      }
    });
  }

  archive(userId: string, refs: string[], now: Date): Promise<Array<BulkOutcome<QuestDetail>>> {
    return this.each(refs, async (ref) => ({ ref, kind: 'done', result: await this.quests.archiveQuest(userId, ref, now) }));
  }

  /** The quests a delete would remove, for the confirmation prompt (unknown ones reported). */
  preview(userId: string, refs: string[]): Promise<Array<BulkOutcome<QuestDetail>>> {
    return this.each(refs, async (ref) => ({ ref, kind: 'done', result: await this.quests.viewQuest(userId, ref) }));
  }

  delete(userId: string, refs: string[]): Promise<Array<BulkOutcome<{ number: number; title: string }>>> {
    return this.each(refs, async (ref) => ({ ref, kind: 'done', result: await this.quests.deleteQuest(userId, ref) }));
  }

  /** One quest at a time, in the order given: completions award XP and streaks in that order. */
  private async each<T>(refs: string[], act: (ref: string) => Promise<BulkOutcome<T>>): Promise<Array<BulkOutcome<T>>> {
    const outcomes: Array<BulkOutcome<T>> = [];
    for (const ref of refs) {
      try {
        outcomes.push(await act(ref));
      } catch (error) {
        // Only a user-facing refusal is reported per quest; anything else is a real failure.
        if (!(error instanceof AppError) || refs.length === 1) throw error;
        outcomes.push({ ref, kind: 'refused', message: error.message });
      }
    }
    return outcomes;
  }
}
