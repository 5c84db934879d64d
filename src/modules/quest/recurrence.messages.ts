import { defineMessages } from '../../core/messages.js';

export const recurrenceMessages = defineMessages('recurrence', {
  invalid: (p: { problem: string }) => `\`repeat\` ${p.problem}.`,
  not_recurring: (p: { quest: string; number: number }) => `${p.quest} does not repeat. Make it repeat with \`/quest edit #${p.number} repeat:daily\`.`,
  not_open: (p: { quest: string; status: string }) => `${p.quest} is ${p.status}: only an open quest can start repeating.`,
  already: (p: { quest: string; state: string }) => `${p.quest} is already ${p.state}.`,
});
