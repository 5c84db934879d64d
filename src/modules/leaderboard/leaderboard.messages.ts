import { defineMessages } from '../../core/messages.js';

export const leaderboardMessages = defineMessages('leaderboard', {
  needs_space: () => 'Leaderboards belong to a server or workspace: run `/leaderboard` there rather than in a direct message.',
});
