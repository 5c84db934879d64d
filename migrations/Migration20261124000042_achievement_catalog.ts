import { Migration } from '@mikro-orm/migrations';
import { criteriaSchema } from '../src/modules/achievement/achievement.rules.js';

type Rarity = 'common' | 'rare' | 'epic' | 'legendary';

interface CatalogEntry {
  code: string;
  name: string;
  description: string;
  category: string;
  rarity: Rarity;
  icon: string;
  xpReward: number;
  criteria: unknown;
  hidden?: boolean;
  /** Recurring every year between these month-days (`MM-DD`), both inclusive. */
  season?: { from: string; to: string };
}

const done = (count: number) => ({ type: 'completions', count });
const byDifficulty = (difficulty: string, count: number) => ({ type: 'completions_by_difficulty', difficulty, count });
const streak = (streakType: string, count: number) => ({ type: 'streak', streakType, count });

/**
 * The achievement catalog as of this migration. Upserted by `code`, so running it
 * again (or a later migration with a changed copy) updates rows in place and keeps
 * users' unlocks. Every `unlock_criteria` is checked against the rule language
 * before anything is written.
 */
const CATALOG: CatalogEntry[] = [
  {
    code: 'first_quest',
    name: 'First Steps',
    description: 'Complete your first quest.',
    category: 'progress',
    rarity: 'common',
    icon: '🎯',
    xpReward: 10,
    criteria: done(1),
  },
  {
    code: 'quests_10',
    name: 'Getting Things Done',
    description: 'Complete 10 quests.',
    category: 'progress',
    rarity: 'common',
    icon: '✅',
    xpReward: 25,
    criteria: done(10),
  },
  {
    code: 'quests_50',
    name: 'Quest Machine',
    description: 'Complete 50 quests.',
    category: 'progress',
    rarity: 'rare',
    icon: '⚙️',
    xpReward: 75,
    criteria: done(50),
  },
  {
    code: 'quests_100',
    name: 'Centurion',
    description: 'Complete 100 quests.',
    category: 'progress',
    rarity: 'epic',
    icon: '🛡️',
    xpReward: 150,
    criteria: done(100),
  },
  {
    code: 'quests_500',
    name: 'Living Legend',
    description: 'Complete 500 quests.',
    category: 'progress',
    rarity: 'legendary',
    icon: '👑',
    xpReward: 500,
    criteria: done(500),
  },

  {
    code: 'easy_25',
    name: 'Low-Hanging Fruit',
    description: 'Complete 25 easy quests.',
    category: 'difficulty',
    rarity: 'common',
    icon: '🍏',
    xpReward: 20,
    criteria: byDifficulty('EASY', 25),
  },
  {
    code: 'hard_10',
    name: 'Heavy Lifter',
    description: 'Complete 10 hard quests.',
    category: 'difficulty',
    rarity: 'rare',
    icon: '🏋️',
    xpReward: 60,
    criteria: byDifficulty('HARD', 10),
  },
  {
    code: 'epic_1',
    name: 'Epic Undertaking',
    description: 'Complete an epic quest.',
    category: 'difficulty',
    rarity: 'rare',
    icon: '🗡️',
    xpReward: 50,
    criteria: byDifficulty('EPIC', 1),
  },
  {
    code: 'epic_10',
    name: 'Dragon Slayer',
    description: 'Complete 10 epic quests.',
    category: 'difficulty',
    rarity: 'epic',
    icon: '🐉',
    xpReward: 200,
    criteria: byDifficulty('EPIC', 10),
  },
  {
    code: 'well_rounded',
    name: 'Well-Rounded',
    description: 'Complete 5 easy, 5 medium and 5 hard quests, and one epic.',
    category: 'difficulty',
    rarity: 'epic',
    icon: '🎲',
    xpReward: 150,
    criteria: { type: 'all', rules: [byDifficulty('EASY', 5), byDifficulty('MEDIUM', 5), byDifficulty('HARD', 5), byDifficulty('EPIC', 1)] },
  },

  {
    code: 'categories_3',
    name: 'Jack of All Trades',
    description: 'Complete quests in 3 different categories.',
    category: 'variety',
    rarity: 'common',
    icon: '🧰',
    xpReward: 25,
    criteria: { type: 'categories_used', count: 3 },
  },
  {
    code: 'categories_7',
    name: 'Renaissance Soul',
    description: 'Complete quests in 7 different categories.',
    category: 'variety',
    rarity: 'rare',
    icon: '🎨',
    xpReward: 75,
    criteria: { type: 'categories_used', count: 7 },
  },
  {
    code: 'health_10',
    name: 'Healthy Habits',
    description: 'Complete 10 quests in a category named Health.',
    category: 'variety',
    rarity: 'rare',
    icon: '🥗',
    xpReward: 50,
    criteria: { type: 'completions_by_category', category: 'Health', count: 10 },
  },

  {
    code: 'steps_10',
    name: 'Step by Step',
    description: 'Tick off 10 quest steps.',
    category: 'steps',
    rarity: 'common',
    icon: '👣',
    xpReward: 15,
    criteria: { type: 'steps_done', count: 10 },
  },
  {
    code: 'steps_100',
    name: 'A Thousand-Mile Journey',
    description: 'Tick off 100 quest steps.',
    category: 'steps',
    rarity: 'rare',
    icon: '🧭',
    xpReward: 60,
    criteria: { type: 'steps_done', count: 100 },
  },

  {
    code: 'streak_3',
    name: 'On a Roll',
    description: 'Keep a daily streak for 3 days.',
    category: 'streaks',
    rarity: 'common',
    icon: '🔥',
    xpReward: 15,
    criteria: streak('daily', 3),
  },
  {
    code: 'streak_7',
    name: 'Week Warrior',
    description: 'Keep a daily streak for 7 days.',
    category: 'streaks',
    rarity: 'rare',
    icon: '📅',
    xpReward: 50,
    criteria: streak('daily', 7),
  },
  {
    code: 'streak_30',
    name: 'Unstoppable',
    description: 'Keep a daily streak for 30 days.',
    category: 'streaks',
    rarity: 'epic',
    icon: '⚡',
    xpReward: 200,
    criteria: streak('daily', 30),
  },
  {
    code: 'streak_100',
    name: 'Iron Will',
    description: 'Keep a daily streak for 100 days.',
    category: 'streaks',
    rarity: 'legendary',
    icon: '💎',
    xpReward: 750,
    criteria: streak('daily', 100),
  },
  {
    code: 'weekly_4',
    name: 'Steady Pace',
    description: 'Complete a quest every week for 4 weeks in a row.',
    category: 'streaks',
    rarity: 'rare',
    icon: '🗓️',
    xpReward: 60,
    criteria: streak('weekly', 4),
  },
  {
    code: 'monthly_6',
    name: 'Half a Year Strong',
    description: 'Complete a quest every month for 6 months in a row.',
    category: 'streaks',
    rarity: 'epic',
    icon: '🏔️',
    xpReward: 200,
    criteria: streak('monthly', 6),
  },

  {
    code: 'level_5',
    name: 'Rising Star',
    description: 'Reach level 5.',
    category: 'levels',
    rarity: 'common',
    icon: '⭐',
    xpReward: 25,
    criteria: { type: 'level', level: 5 },
  },
  {
    code: 'level_10',
    name: 'Seasoned Adventurer',
    description: 'Reach level 10.',
    category: 'levels',
    rarity: 'rare',
    icon: '🌟',
    xpReward: 100,
    criteria: { type: 'level', level: 10 },
  },
  {
    code: 'level_25',
    name: 'Grandmaster',
    description: 'Reach level 25.',
    category: 'levels',
    rarity: 'legendary',
    icon: '🏆',
    xpReward: 500,
    criteria: { type: 'level', level: 25 },
  },

  {
    code: 'night_owl',
    name: 'Night Owl',
    description: 'Complete 5 quests between 22:00 and 04:00.',
    category: 'secret',
    rarity: 'rare',
    icon: '🦉',
    xpReward: 40,
    hidden: true,
    criteria: { type: 'time_of_day', after: '22:00', before: '04:00', count: 5 },
  },
  {
    code: 'early_bird',
    name: 'Early Bird',
    description: 'Complete 5 quests between 04:00 and 07:00.',
    category: 'secret',
    rarity: 'rare',
    icon: '🐦',
    xpReward: 40,
    hidden: true,
    criteria: { type: 'time_of_day', after: '04:00', before: '07:00', count: 5 },
  },
  {
    code: 'lunch_break',
    name: 'Lunch Break Hero',
    description: 'Complete 3 quests between 12:00 and 13:00.',
    category: 'secret',
    rarity: 'common',
    icon: '🥪',
    xpReward: 20,
    hidden: true,
    criteria: { type: 'time_of_day', after: '12:00', before: '13:00', count: 3 },
  },
  {
    code: 'overachiever',
    name: 'Overachiever',
    description: 'Complete 5 epic quests, or 25 hard ones.',
    category: 'secret',
    rarity: 'epic',
    icon: '🚀',
    xpReward: 120,
    hidden: true,
    criteria: { type: 'any', rules: [byDifficulty('EPIC', 5), byDifficulty('HARD', 25)] },
  },

  {
    code: 'winter_solstice',
    name: 'Winter Solstice',
    description: 'Complete a quest between 21 December and 6 January.',
    category: 'seasonal',
    rarity: 'rare',
    icon: '❄️',
    xpReward: 50,
    season: { from: '12-21', to: '01-06' },
    criteria: done(1),
  },
  {
    code: 'spring_cleaning',
    name: 'Spring Cleaning',
    description: 'Complete a quest between 20 March and 20 April.',
    category: 'seasonal',
    rarity: 'rare',
    icon: '🌷',
    xpReward: 50,
    season: { from: '03-20', to: '04-20' },
    criteria: done(1),
  },
  {
    code: 'summer_sprint',
    name: 'Summer Sprint',
    description: 'Be on a 3-day streak or better between 21 June and 31 August.',
    category: 'seasonal',
    rarity: 'epic',
    icon: '☀️',
    xpReward: 100,
    season: { from: '06-21', to: '08-31' },
    criteria: streak('daily', 3),
  },
];

/** Seasons are recurring: the stored dates carry a reference year that is ignored. */
function seasonDate(monthDay: string): string {
  return `2026-${monthDay}`;
}

export class Migration20261124000042_achievement_catalog extends Migration {
  override async up(): Promise<void> {
    const codes = new Set<string>();
    for (const entry of CATALOG) {
      if (codes.has(entry.code)) throw new Error(`achievement catalog: duplicate code ${entry.code}`);
      codes.add(entry.code);
      const parsed = criteriaSchema.safeParse(entry.criteria);
      if (!parsed.success) throw new Error(`achievement catalog: ${entry.code} has invalid unlock_criteria: ${parsed.error.message}`);
    }
    const rows = CATALOG.map((entry) => ({
      code: entry.code,
      name: entry.name,
      description: entry.description,
      category: entry.category,
      rarity: entry.rarity,
      icon: entry.icon,
      xp_reward: entry.xpReward,
      unlock_criteria: entry.criteria,
      is_hidden: entry.hidden ?? false,
      is_seasonal: entry.season !== undefined,
      seasonal_start_date: entry.season ? seasonDate(entry.season.from) : null,
      seasonal_end_date: entry.season ? seasonDate(entry.season.to) : null,
      metadata: entry.season ? { recurring: true } : {},
    }));
    // Dollar-quoted so no character of the catalog needs escaping.
    this.addSql(`
      insert into achievements (code, name, description, category, rarity, icon, xp_reward, unlock_criteria, is_hidden,
        is_seasonal, seasonal_start_date, seasonal_end_date, metadata)
      select code, name, description, category, rarity, icon, xp_reward, unlock_criteria, is_hidden,
        is_seasonal, seasonal_start_date, seasonal_end_date, metadata
      from jsonb_to_recordset($catalog$${JSON.stringify(rows)}$catalog$::jsonb) as c(code text, name text, description text,
        category text, rarity text, icon text, xp_reward int, unlock_criteria jsonb, is_hidden boolean, is_seasonal boolean,
        seasonal_start_date date, seasonal_end_date date, metadata jsonb)
      on conflict (code) do update set name = excluded.name, description = excluded.description, category = excluded.category,
        rarity = excluded.rarity, icon = excluded.icon, xp_reward = excluded.xp_reward, unlock_criteria = excluded.unlock_criteria,
        is_hidden = excluded.is_hidden, is_seasonal = excluded.is_seasonal, seasonal_start_date = excluded.seasonal_start_date,
        seasonal_end_date = excluded.seasonal_end_date, metadata = excluded.metadata;`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `delete from achievements where code in (select jsonb_array_elements_text($codes$${JSON.stringify(CATALOG.map((e) => e.code))}$codes$::jsonb));`,
    );
  }
}
