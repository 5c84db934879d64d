import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { escapeMarkdown as md } from '../../core/markdown.js';
import { stepMessages } from './step.messages.js';

export interface StepRow {
  id: string;
  title: string;
  completed: boolean;
  orderIndex: number;
}

/** A step as the user sees it: its 1-based place in the checklist. */
export interface PlacedStep extends StepRow {
  position: number;
}

/**
 * Finds the step `ref` names in a quest's ordered steps: a 1-based position, or a
 * fragment of its title (an exact title wins; among several matches, the only one
 * `prefer` accepts wins, e.g. the only unfinished one for `step done`).
 */
export function resolveStep(steps: readonly StepRow[], ref: string, questNumber: number, prefer?: (step: StepRow) => boolean): PlacedStep {
  const text = ref.trim();
  const placed = steps.map((step, i) => ({ ...step, position: i + 1 }));
  if (/^\d+$/.test(text)) {
    checkPosition('step', Number(text), placed.length, questNumber);
    return placed[Number(text) - 1]!;
  }
  const fragment = text.toLowerCase();
  const matches = placed.filter((s) => s.title.toLowerCase().includes(fragment));
  const exact = matches.filter((s) => s.title.toLowerCase() === fragment);
  const preferred = prefer ? matches.filter(prefer) : [];
  const chosen = exact.length === 1 ? exact : matches.length === 1 ? matches : preferred.length === 1 ? preferred : undefined;
  if (chosen) return chosen[0]!;
  if (!matches.length) throw new NotFoundError(stepMessages.no_match({ number: questNumber, text }));
  const shown = matches.slice(0, 5).map((s) => `${s.position}. ${md(s.title)}`);
  throw new ConflictError(stepMessages.ambiguous({ number: questNumber, text, shown, more: matches.length > 5 }));
}

/** The position a step reference names, when it is one (`2`, ` 2 `); null for a title fragment. */
export function stepPosition(ref: string): number | null {
  const text = ref.trim();
  return /^\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : null;
}

/** Positions run 1..max; anything else names the option and the range for this quest. */
export function checkPosition(field: string, position: number, max: number, questNumber: number): void {
  if (max === 0) {
    throw new ValidationError(stepMessages.no_steps({ number: questNumber }), { field });
  }
  if (!Number.isInteger(position) || position < 1 || position > max) {
    throw new ValidationError(stepMessages.position_range({ field, max, number: questNumber, got: position }), { field });
  }
}

/** The items in their new order after moving the one at `from` to `to` (both 1-based). */
export function moveInOrder<T>(items: readonly T[], from: number, to: number): T[] {
  const order = [...items];
  const [moved] = order.splice(from - 1, 1);
  order.splice(to - 1, 0, moved!);
  return order;
}

/** Whether every step already sits at its place (1..n in list order), so nothing needs renumbering. */
export function isDense(steps: ReadonlyArray<{ orderIndex: number }>): boolean {
  return steps.every((step, i) => step.orderIndex === i + 1);
}
