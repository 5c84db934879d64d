import { DateTime } from 'luxon';
import type { Calibration, Level } from '../../ai/suggester.js';
import { opt, OptionValueError } from '../../core/options.js';

/** A suggestion can be accepted for a week; after that the quest has likely moved on. */
export const SUGGESTION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const MIN_STEPS = 3;
export const MAX_STEPS = 12;
/** A ratio needs this many completed quests before the reply mentions it. */
const NOTE_SAMPLES = 2;

export function expiresAt(now: Date): Date {
  return new Date(now.getTime() + SUGGESTION_TTL_MS);
}

export function isExpired(expires: Date | null, now: Date): boolean {
  return expires !== null && expires.getTime() <= now.getTime();
}

/** One completed quest as calibration reads it. */
export interface CalibrationRow {
  estimated: number;
  actual: number;
  difficulty: Level;
  category: string | null;
  completedAt: Date;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * actual/estimated per difficulty and per category (ratio of sums, so one
 * tiny quest cannot dominate), and the local hours the user finishes at.
 */
export function calibrate(rows: CalibrationRow[], timezone: string): Calibration {
  const usable = rows.filter((r) => r.estimated > 0 && r.actual > 0);
  const ratio = (group: CalibrationRow[]) => round2(group.reduce((s, r) => s + r.actual, 0) / group.reduce((s, r) => s + r.estimated, 0));
  const groupBy = <K extends string>(key: (r: CalibrationRow) => K | null) => {
    const groups = new Map<K, CalibrationRow[]>();
    for (const row of usable) {
      const k = key(row);
      if (k === null) continue;
      groups.set(k, [...(groups.get(k) ?? []), row]);
    }
    return [...groups.entries()];
  };
  const hours = new Map<number, number>();
  for (const row of rows) {
    const hour = DateTime.fromJSDate(row.completedAt, { zone: timezone }).hour;
    hours.set(hour, (hours.get(hour) ?? 0) + 1);
  }
  return {
    samples: usable.length,
    overall: usable.length ? ratio(usable) : 1,
    byDifficulty: groupBy((r) => r.difficulty)
      .map(([difficulty, group]) => ({ difficulty, ratio: ratio(group), samples: group.length }))
      .sort((a, b) => b.samples - a.samples || a.difficulty.localeCompare(b.difficulty)),
    byCategory: groupBy((r) => r.category)
      .map(([category, group]) => ({ category, ratio: ratio(group), samples: group.length }))
      .sort((a, b) => b.samples - a.samples || a.category.localeCompare(b.category)),
    usualHours: [...hours.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, 3)
      .map(([hour]) => hour),
  };
}

/**
 * The sentence a reply shows about what was learned ("you usually take 1.4x
 * your estimates on Writing"), for the quest's category, else its difficulty;
 * null while there is too little history or the user is on target.
 */
export function calibrationNote(calibration: Calibration, quest: { difficulty: Level; category: string | null } | null): string | null {
  const category = quest?.category ? calibration.byCategory.find((c) => c.category.toLowerCase() === quest.category!.toLowerCase()) : undefined;
  const difficulty = quest ? calibration.byDifficulty.find((d) => d.difficulty === quest.difficulty) : undefined;
  const pick =
    category && category.samples >= NOTE_SAMPLES
      ? { ratio: category.ratio, on: category.category, samples: category.samples }
      : difficulty && difficulty.samples >= NOTE_SAMPLES
        ? { ratio: difficulty.ratio, on: `${difficulty.difficulty.toLowerCase()} quests`, samples: difficulty.samples }
        : calibration.samples >= 3
          ? { ratio: calibration.overall, on: 'your quests', samples: calibration.samples }
          : null;
  if (!pick) return null;
  if (Math.abs(pick.ratio - 1) < 0.1) return `You usually finish close to your estimates on ${pick.on} (${pick.samples} completed).`;
  return `You usually take ${pick.ratio.toFixed(1)}x your estimates on ${pick.on} (${pick.samples} completed).`;
}

// The same validators as typed input: `/step add title:`, `/quest create estimate:` and `title:`.
const stepTitle = opt.text({ description: 'step', max: 255 });
const questTitle = opt.text({ description: 'title', max: 255 });
const estimate = opt.duration({ description: 'estimate', min: 1, max: 1440 });

const key = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Steps that pass the `/step add` validation, without duplicates of each
 * other or of the quest's existing steps, at most MAX_STEPS; `topUp` fills in
 * (deduplicated the same way) when fewer than MIN_STEPS remain.
 */
export function acceptableSteps(proposed: string[], existing: string[], topUp: string[] = []): string[] {
  const seen = new Set(existing.map(key));
  const steps: string[] = [];
  const take = (candidates: string[], upTo: number) => {
    for (const candidate of candidates) {
      if (steps.length >= upTo) return;
      let title: string;
      try {
        title = stepTitle.parse(candidate.replace(/\s+/g, ' '));
      } catch (error) {
        if (error instanceof OptionValueError) continue;
        throw error;
      }
      if (seen.has(key(title))) continue;
      seen.add(key(title));
      steps.push(title);
    }
  };
  take(proposed, MAX_STEPS);
  if (steps.length < MIN_STEPS) take(topUp, MIN_STEPS);
  return steps;
}

/** Minutes checked like `estimate:`; undefined when out of range. */
export function acceptableEstimate(minutes: number | null | undefined): number | undefined {
  if (minutes === null || minutes === undefined) return undefined;
  try {
    return estimate.parse(Math.round(minutes));
  } catch {
    return undefined;
  }
}

export function acceptableTitle(title: string): string | undefined {
  try {
    return questTitle.parse(title.replace(/\s+/g, ' '));
  } catch {
    return undefined;
  }
}

/** A due time the sentence named, if it parses and is not absurdly far away (10 years). */
export function acceptableDue(iso: string | null, now: Date): Date | null {
  if (!iso) return null;
  const due = new Date(iso);
  if (Number.isNaN(due.getTime())) return null;
  const years = Math.abs(due.getTime() - now.getTime()) / (365 * 24 * 3_600_000);
  return years <= 10 ? due : null;
}

/** Whether the user has completed something today: the daily streak's last day is today's user-day. */
export function completedToday(lastActivity: string | null, today: string): boolean {
  return lastActivity === today;
}

/** "3 of 5 accepted (60%)". */
export function acceptanceLine(entry: { offered: number; accepted: number; dismissed: number }): string {
  const rate = entry.offered ? Math.round((100 * entry.accepted) / entry.offered) : 0;
  return `${entry.accepted} of ${entry.offered} accepted (${rate}%), ${entry.dismissed} dismissed`;
}
