import { z } from 'zod';

/**
 * What a suggester is asked and what it answers. The inputs are plain data
 * about the user's quests (never instructions); the outputs are bounded by the
 * zod schemas below, whichever suggester produced them.
 */

export const DIFFICULTY_LEVELS = ['EASY', 'MEDIUM', 'HARD', 'EPIC'] as const;
export const PRIORITY_LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] as const;
export type Level = (typeof DIFFICULTY_LEVELS)[number];
export type Urgency = (typeof PRIORITY_LEVELS)[number];

/** How long the user really takes compared with their estimates, learned from completed quests. */
export interface Calibration {
  /** Completed quests with a time spent and an estimate. */
  samples: number;
  /** actual / estimated over all of them (1 when no samples). */
  overall: number;
  byDifficulty: Array<{ difficulty: Level; ratio: number; samples: number }>;
  byCategory: Array<{ category: string; ratio: number; samples: number }>;
  /** Local hours (0-23) at which the user most often completes quests, most frequent first. */
  usualHours: number[];
}

export interface QuestFacts {
  number: number;
  title: string;
  description: string | null;
  difficulty: Level;
  priority: Urgency;
  estimatedMinutes: number;
  category: string | null;
  status: string;
}

export interface BreakdownInput {
  quest: QuestFacts;
  existingSteps: string[];
  calibration: Calibration;
}

export interface EstimateInput {
  quest: QuestFacts;
  steps: string[];
  calibration: Calibration;
}

export interface NextCandidate extends QuestFacts {
  /** ISO time, when the quest has a due date. */
  dueAt: string | null;
  /** Unfinished sequential prerequisites (numbers): such a quest cannot be started now. */
  blockedBy: number[];
  stepsDone: number;
  stepsTotal: number;
}

export interface NextInput {
  candidates: NextCandidate[];
  /** Minutes the user has now, when they said. */
  availableMinutes: number | null;
  /** ISO time of now and the user's local hour (0-23). */
  now: string;
  localHour: number;
  streak: { days: number; completedToday: boolean };
  calibration: Calibration;
}

export interface ParseInput {
  text: string;
  /** ISO time of now and the user's IANA time zone, for relative dates. */
  now: string;
  timezone: string;
}

const stepTitle = z.string().trim().min(1).max(254);

export const breakdownSchema = z.object({
  steps: z.array(stepTitle).min(3).max(12),
});
export type Breakdown = z.infer<typeof breakdownSchema>;

export const estimateSchema = z.object({
  minutes: z.number().int().min(1).max(1440),
  difficulty: z.enum(DIFFICULTY_LEVELS),
  confidence: z.number().min(0).max(1),
  reason: z.string().trim().min(1).max(200),
});
export type Estimate = z.infer<typeof estimateSchema>;

export const nextSchema = z.object({
  questNumber: z.number().int().min(1),
  reason: z.string().trim().min(1).max(300),
  confidence: z.number().min(0).max(1),
});
export type NextPick = z.infer<typeof nextSchema>;

export const parsedQuestSchema = z.object({
  title: z.string().trim().min(1).max(255),
  /** ISO 8601 date-time, or null when the sentence names no time. */
  dueAt: z.string().nullable(),
  priority: z.enum(PRIORITY_LEVELS),
  difficulty: z.enum(DIFFICULTY_LEVELS),
  estimateMinutes: z.number().int().min(1).max(1440).nullable(),
});
export type ParsedQuest = z.infer<typeof parsedQuestSchema>;

/** Which suggester answered, and why the offline one did when a model is configured. */
export type SuggestionSource =
  | { kind: 'model'; model: string }
  | { kind: 'offline'; because: 'no_key' | 'timeout' | 'refusal' | 'invalid' | 'error' | 'rate_limited_user' | 'rate_limited_global' };

export interface Suggested<T> {
  value: T;
  source: SuggestionSource;
}

/** One suggester: the model client or the offline heuristics. */
export interface Suggester {
  breakdown(input: BreakdownInput): Promise<Breakdown>;
  estimate(input: EstimateInput): Promise<Estimate>;
  next(input: NextInput): Promise<NextPick>;
  parseQuest(input: ParseInput): Promise<ParsedQuest>;
}

export type SuggestionTask = keyof Suggester;
