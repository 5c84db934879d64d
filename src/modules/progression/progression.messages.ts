import { defineMessages } from '../../core/messages.js';

export const progressionMessages = defineMessages('progression', {
  undo_not_completed: (p: { number: number; status: string }) => `Quest #${p.number} is ${p.status}, not completed, so there is nothing to undo.`,
  undo_too_late: (p: { number: number; completedAt: string }) =>
    `Quest #${p.number} was completed on ${p.completedAt} UTC, more than 24 hours ago; only completions from the last 24 hours can be undone.`,
  undo_no_longer_completed: (p: { number: number }) => `Quest #${p.number} is no longer completed, so there is nothing to undo.`,
});
