import { describe, expect, it } from 'vitest';
import type { CatalogAchievement } from './achievement.service.js';
import { achievementsReply } from './achievement.presenter.js';

const seasonal: CatalogAchievement = {
  id: 'a',
  code: 'spring',
  name: 'Spring Cleaning',
  description: 'Complete a quest in spring.',
  category: 'seasonal',
  rarity: 'rare',
  icon: '🌷',
  xpReward: 50,
  criteria: { type: 'completions', count: 1 },
  isHidden: false,
  isSeasonal: true,
  seasonStart: '2026-03-20',
  seasonEnd: '2026-04-20',
  recurring: true,
};

describe('achievements list', () => {
  it('shows a seasonal achievement out of season with its dates, not a met-looking 1/1', () => {
    const reply = achievementsReply([{ achievement: seasonal, unlockedAt: null, progress: 1, target: 1, inSeason: false }], 'all');
    expect(reply.text).toContain('out of season');
    expect(reply.text).toContain('20 Mar – 20 Apr');
    expect(reply.text).not.toContain('1/1');
  });

  it('shows progress such as 1/1 while in season', () => {
    const reply = achievementsReply([{ achievement: seasonal, unlockedAt: null, progress: 1, target: 1, inSeason: true }], 'all');
    expect(reply.text).toContain('**1/1**');
    expect(reply.text).toContain('(now!)');
  });
});
