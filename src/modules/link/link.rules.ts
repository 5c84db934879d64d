import type { StreakType } from '../columns.js';

/** What one side of a link holds, enough to decide who survives and whether to ask. */
export interface LinkSide {
  userId: string;
  quests: number;
  questCounter: number;
  experiencePoints: number;
  /** Tags, categories, projects, streaks, achievements, ledger rows. */
  otherRows: number;
}

export function holdsData(side: LinkSide): boolean {
  return side.quests > 0 || side.experiencePoints !== 0 || side.otherRows > 0;
}

/**
 * The user that stays: the side with more quests, so fewer quest numbers change;
 * on a tie the side that issued the code. The other side is absorbed.
 */
export function chooseSurvivor(issuer: LinkSide, redeemer: LinkSide): { survivor: LinkSide; absorbed: LinkSide } {
  return redeemer.quests > issuer.quests ? { survivor: redeemer, absorbed: issuer } : { survivor: issuer, absorbed: redeemer };
}

/** Absorbed quests keep their order and gaps, shifted past every number the survivor has handed out. */
export function numberOffset(survivorCounter: number, survivorMaxNumber: number): number {
  return Math.max(survivorCounter, survivorMaxNumber);
}

export interface ActiveStreak {
  id: string;
  type: StreakType;
  currentCount: number;
  longestCount: number;
  /** `YYYY-MM-DD`. */
  lastActivityDate: string;
}

/**
 * Per streak type, the longer active streak stays active (ties: the more recent,
 * then the survivor's) with the best `longest` of both; the other ends, kept as history.
 */
export function mergeStreaks(survivor: ActiveStreak[], absorbed: ActiveStreak[]): { end: string[]; longest: Array<{ id: string; longestCount: number }> } {
  const end: string[] = [];
  const longest: Array<{ id: string; longestCount: number }> = [];
  for (const mine of absorbed) {
    const theirs = survivor.find((s) => s.type === mine.type);
    if (!theirs) continue;
    const absorbedWins =
      mine.currentCount > theirs.currentCount || (mine.currentCount === theirs.currentCount && mine.lastActivityDate > theirs.lastActivityDate);
    const [keep, drop] = absorbedWins ? [mine, theirs] : [theirs, mine];
    end.push(drop.id);
    const best = Math.max(keep.longestCount, drop.longestCount);
    if (best !== keep.longestCount) longest.push({ id: keep.id, longestCount: best });
  }
  return { end, longest };
}

export interface Counters {
  completions: number;
  completionsByDifficulty: Record<string, number>;
  completionsByCategory: Record<string, number>;
  completionsByMinute: Record<string, number>;
  stepsDone: number;
}

/** Sums two users' counters; category keys of the absorbed side go through `categoryIds` (merged categories). */
export function mergeCounters(survivor: Counters | null, absorbed: Counters | null, categoryIds: ReadonlyMap<string, string>): Counters | null {
  if (!survivor && !absorbed) return null;
  const empty: Counters = { completions: 0, completionsByDifficulty: {}, completionsByCategory: {}, completionsByMinute: {}, stepsDone: 0 };
  const a = survivor ?? empty;
  const b = absorbed ?? empty;
  const remapped = Object.fromEntries(Object.entries(b.completionsByCategory).map(([k, v]) => [categoryIds.get(k) ?? k, v]));
  return {
    completions: a.completions + b.completions,
    completionsByDifficulty: addMaps(a.completionsByDifficulty, b.completionsByDifficulty),
    // Two absorbed categories cannot map onto one survivor category (names are unique per user), but sum anyway.
    completionsByCategory: addMaps(a.completionsByCategory, remapped),
    completionsByMinute: addMaps(a.completionsByMinute, b.completionsByMinute),
    stepsDone: a.stepsDone + b.stepsDone,
  };
}

function addMaps(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export interface Named {
  id: string;
  name: string;
}

/** Absorbed rows whose name (ignoring case) the survivor already uses, as absorbed id -> survivor id; the rest move. */
export function matchByName(survivor: Named[], absorbed: Named[]): { merge: Map<string, string>; move: string[] } {
  const byName = new Map(survivor.map((s) => [s.name.toLowerCase(), s.id]));
  const merge = new Map<string, string>();
  const move: string[] = [];
  for (const row of absorbed) {
    const target = byName.get(row.name.toLowerCase());
    if (target) merge.set(row.id, target);
    else move.push(row.id);
  }
  return { merge, move };
}

export interface AchievementRow {
  id: string;
  achievementId: string;
  unlockedAt: Date | null;
}

/**
 * The union of both sides' achievements: absorbed rows for achievements the
 * survivor lacks move over; for ones both have, the survivor's row stays with the
 * earlier unlock time.
 */
export function mergeAchievements(
  survivor: AchievementRow[],
  absorbed: AchievementRow[],
): { move: string[]; unlockedAt: Array<{ id: string; unlockedAt: Date }> } {
  const mine = new Map(survivor.map((s) => [s.achievementId, s]));
  const move: string[] = [];
  const unlockedAt: Array<{ id: string; unlockedAt: Date }> = [];
  for (const row of absorbed) {
    const kept = mine.get(row.achievementId);
    if (!kept) move.push(row.id);
    else if (row.unlockedAt && (!kept.unlockedAt || row.unlockedAt < kept.unlockedAt)) unlockedAt.push({ id: kept.id, unlockedAt: row.unlockedAt });
  }
  return { move, unlockedAt };
}
