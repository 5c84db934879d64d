import { defineMessages } from '../../core/messages.js';

/** Wordings of export and erasure. */
export const privacyMessages = defineMessages('privacy', {
  export_ready: (p: { name: string; size: string; rows: number }) =>
    `📦 Your data: **${p.name}** (${p.size}, ${p.rows} rows). It holds every row Questlog stores about you, as JSON. Keep it somewhere safe: it is personal.`,
  export_compressed: () => 'The file is gzip-compressed because the plain JSON is too large to attach.',
  forget_prompt: (p: { quests: number; xp: number; accounts: string }) =>
    `⚠️ This deletes you from Questlog for good: your ${p.quests} quest${p.quests === 1 ? '' : 's'} with their steps and tags, ${p.xp} XP, streaks, achievements, settings, reminders and leaderboard places, and the link to ${p.accounts}. Nothing can bring it back. \`/questlog export\` first if you want a copy.`,
  forget_done: (p: { rows: number }) =>
    `🧹 Done: ${p.rows} rows about you are deleted, with your leaderboard places and cached data. Only an anonymous count of what was deleted is kept. Your next command starts a fresh profile.`,
  forget_gone: () => 'There is nothing stored about you any more.',
});
