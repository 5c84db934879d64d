import { defineMessages } from '../../core/messages.js';

/** Wordings of `/questlog link`. */
export const linkMessages = defineMessages('link', {
  code_issued: (p: { code: string; minutes: number }) =>
    `🔗 Your link code is **${p.code}**. Within ${p.minutes} minutes, run \`/questlog link code:${p.code}\` from your other account (Discord, Slack or the console). It works once; asking again replaces it.`,
  code_unknown: () =>
    'That link code is unknown, used or expired (codes last 10 minutes and work once). Run `/questlog link` on your other account for a new one.',
  code_malformed: () => '`code` must be the 8 letters and digits `/questlog link` showed, e.g. `K7QX-94MD`.',
  own_code: () =>
    'That code belongs to this same Questlog profile (this account asked for it, or is already linked to the one that did). Run it from the account you want to join.',
  merge_prompt: (p: { here: string; there: string; renumbered: string }) =>
    `Both accounts hold data. Merging keeps everything: this account has ${p.here}; the other has ${p.there}. XP and ledgers are added up, tags, categories and projects with the same name become one, the longer streaks stay, and achievements are combined. ${p.renumbered}`,
  renumbered: (p: { side: string; from: number; to: number; offset: number }) =>
    `The quests of ${p.side} get new numbers: #${p.from}…#${p.to} become #${p.from + p.offset}…#${p.to + p.offset}.`,
  renumber_plan: (p: { side: string; offset: number }) =>
    `The quests of ${p.side} get numbers after the other's: #1 becomes #${1 + p.offset}, #2 becomes #${2 + p.offset}, and so on.`,
  linked: (p: { quests: number; xp: number; level: number }) =>
    `🔗 Linked: your accounts now share one Questlog profile with ${p.quests} quest${p.quests === 1 ? '' : 's'}, ${p.xp} XP (level ${p.level}) and one streak.`,
});
