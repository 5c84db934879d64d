import { defineMessages } from '../../core/messages.js';

export const suggestionMessages = defineMessages('suggestion', {
  not_found: () => 'Suggestion not found: it may have been for someone else, or the id is mistyped.',
  expired: (p: { type: string; command: string }) =>
    `This ${p.type} suggestion has expired (suggestions last 7 days) and was not applied. Ask for a fresh one with \`${p.command}\`.`,
  already_accepted: () => 'This suggestion was already accepted, so nothing changed.',
  already_dismissed: () => 'This suggestion was already dismissed, so nothing changed. Ask for a fresh one if you changed your mind.',
  quest_closed: (p: { number: number; status: string }) => `Quest #${p.number} is ${p.status}, so there is nothing to suggest for it.`,
  quest_gone: () => 'The quest this suggestion was for no longer exists.',
  nothing_new: (p: { number: number }) => `Every suggested step is already on quest #${p.number}: nothing was added.`,
  no_open_quests: () => 'You have no open quests. Create one with `/quest create`.',
  all_blocked: () => 'Every open quest waits on another one that is not finished. Finish a prerequisite first (`/quest list`).',
  rate_limited_user: (p: { limit: number; minutes: number }) =>
    `You reached the limit of ${p.limit} AI suggestions per hour, so the offline suggester answered. The model is available again in about ${p.minutes} min.`,
  rate_limited_global: (p: { minutes: number }) =>
    `The AI suggester is busy for everyone right now (global limit reached), so the offline suggester answered. Try again in about ${p.minutes} min.`,
});
