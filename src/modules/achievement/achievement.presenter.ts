import { DateTime } from 'luxon';
import { escapeMarkdown as md } from '../../core/markdown.js';
import type { Reply } from '../../core/reply.js';
import { rarityLabel } from '../progression/progression.presenter.js';
import type { AchievementListing } from './achievement.service.js';

function season(listing: AchievementListing): string {
  const { seasonStart, seasonEnd } = listing.achievement;
  if (!listing.achievement.isSeasonal) return '';
  const day = (iso: string | null) => (iso ? DateTime.fromISO(iso).toFormat('d LLL') : '…');
  return ` · 🗓️ ${day(seasonStart)} – ${day(seasonEnd)}${listing.inSeason ? ' (now!)' : ''}`;
}

function line(listing: AchievementListing): string {
  const { achievement } = listing;
  const rarity = rarityLabel(achievement.rarity);
  if (listing.unlockedAt) {
    return `✅ ${achievement.icon ?? '🏅'} **${md(achievement.name)}**: ${md(achievement.description)} · ${rarity} · ${listing.unlockedAt.toISOString().slice(0, 10)}`;
  }
  if (achievement.isHidden) return `🔒 ❔ **???**: a hidden achievement · ${rarity}`;
  const reward = achievement.xpReward ? ` · +${achievement.xpReward} XP` : '';
  // Out of season, progress would read as "1/1" yet locked: show when it can be earned instead.
  const progress = achievement.isSeasonal && !listing.inSeason ? 'out of season' : `**${listing.progress}/${listing.target}**`;
  return `🔒 ${achievement.icon ?? '🏅'} **${md(achievement.name)}**: ${md(achievement.description)} · ${progress} · ${rarity}${reward}${season(listing)}`;
}

/** `/achievements`: unlocked ones first, then progress such as `7/10`; hidden ones stay `???` until unlocked. */
export function achievementsReply(listings: AchievementListing[], filter: 'unlocked' | 'all'): Reply {
  const unlocked = listings.filter((l) => l.unlockedAt).length;
  const shown = filter === 'unlocked' ? listings.filter((l) => l.unlockedAt) : listings;
  const xp = listings.filter((l) => l.unlockedAt).reduce((sum, l) => sum + l.achievement.xpReward, 0);
  return {
    title: `🏅 Achievements · ${unlocked}/${listings.length} unlocked`,
    text: shown.length ? shown.map(line).join('\n') : 'Nothing unlocked yet. Complete your first quest to earn **First Steps**.',
    tone: 'info',
    footer: `${xp} XP earned from achievements${filter === 'unlocked' && unlocked < listings.length ? ' · /achievements all shows what is left' : ''}`,
    buttons: filter === 'unlocked' ? [{ label: 'Show all', action: 'achievements all', style: 'secondary' }] : undefined,
  };
}
