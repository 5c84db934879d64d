import { defineMessages } from '../../core/messages.js';

export const dueMessages = defineMessages('due', {
  invalid: (p: { option: string; problem: string }) => `\`${p.option}\` ${p.problem}.`,
  set: (p: { when: string; label: string }) => `📅 Due ${p.when} (${p.label}).`,
  cleared: () => '📅 No due date any more.',
  soon_title: (p: { number: number; label: string }) => `⏰ #${p.number} is ${p.label}`,
  soon_text: (p: { title: string; when: string }) => `${p.title}: due ${p.when}.`,
  complete_number: (p: { number: number }) => `Complete #${p.number}`,
});
