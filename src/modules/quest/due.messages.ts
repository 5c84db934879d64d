import { defineMessages } from '../../core/messages.js';

export const dueMessages = defineMessages('due', {
  invalid: (p: { option: string; problem: string }) => `\`${p.option}\` ${p.problem}.`,
  set: (p: { when: string; label: string }) => `📅 Due ${p.when} (${p.label}).`,
  cleared: () => '📅 No due date any more.',
});
