import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import type {
  Breakdown,
  BreakdownInput,
  Calibration,
  Estimate,
  EstimateInput,
  Level,
  NextCandidate,
  NextInput,
  NextPick,
  ParsedQuest,
  ParseInput,
  QuestFacts,
  Suggester,
  Urgency,
} from './suggester.js';

/**
 * The deterministic suggester: keyword templates, the user's calibration and
 * plain scoring. Used without an API key, and whenever the model times out,
 * refuses or answers something invalid. Same input, same answer.
 */
export class OfflineSuggester implements Suggester {
  async breakdown(input: BreakdownInput): Promise<Breakdown> {
    return { steps: breakdownSteps(input) };
  }

  async estimate(input: EstimateInput): Promise<Estimate> {
    return estimateQuest(input);
  }

  async next(input: NextInput): Promise<NextPick> {
    return pickNext(input);
  }

  async parseQuest(input: ParseInput): Promise<ParsedQuest> {
    return parseSentence(input);
  }
}

const BASE_MINUTES: Record<Level, number> = { EASY: 20, MEDIUM: 45, HARD: 120, EPIC: 240 };
const STEP_COUNT: Record<Level, number> = { EASY: 3, MEDIUM: 4, HARD: 6, EPIC: 8 };

interface Template {
  match: RegExp;
  steps: string[];
}

/** `{x}` is the quest's subject (its title without the leading verb). */
const TEMPLATES: Template[] = [
  {
    match: /\b(write|draft|report|essay|article|blog|post|document|doc|proposal|paper|chapter)\b/i,
    steps: [
      'List the key points {x} must make',
      'Collect the sources, figures and notes you need',
      'Write an outline with one line per section',
      'Write a rough first draft without editing',
      'Revise the draft for structure and clarity',
      'Proofread and fix wording, spelling and formatting',
      'Ask someone for a quick review and apply their comments',
      'Publish or send the final version',
    ],
  },
  {
    match: /\b(call|phone|ring|email|e-mail|message|contact|text|book|schedule|appointment|dentist|doctor)\b/i,
    steps: [
      'Find the contact details and the best time to reach them',
      'Write down what you need to ask or say',
      'Check your calendar for times that work',
      'Make the call or send the message',
      'Note the outcome and any date agreed',
      'Add a reminder or follow-up quest if needed',
    ],
  },
  {
    match: /\b(buy|shop|order|purchase|groceries|gift)\b/i,
    steps: [
      'Write the list of what {x} needs',
      'Set a budget',
      'Compare two or three options or shops',
      'Place the order or go shopping',
      'Check what arrived against the list',
    ],
  },
  {
    match: /\b(fix|bug|debug|repair|broken|error|crash|issue)\b/i,
    steps: [
      'Reproduce the problem and write down the exact steps',
      'Find the smallest case that still shows it',
      'Locate the cause',
      'Make the fix',
      'Test the fix and the cases around it',
      'Write down what caused it so it does not come back',
    ],
  },
  {
    match: /\b(learn|study|read|course|practice|exam|revise|review)\b/i,
    steps: [
      'Decide what you want to be able to do after {x}',
      'Gather the material and pick the first chapter or topic',
      'Work through one focused 25-minute session',
      'Summarise what you learned in your own words',
      'Test yourself with a few questions or an exercise',
      'Plan the next session',
    ],
  },
  {
    match: /\b(clean|tidy|organi[sz]e|declutter|wash|laundry)\b/i,
    steps: [
      'Pick the area and set a timer',
      'Clear out what does not belong there',
      'Clean the surfaces',
      'Put everything back in its place',
      'Take out the rubbish',
    ],
  },
  {
    match: /\b(plan|prepare|organi[sz]e|event|trip|travel|party|meeting|presentation)\b/i,
    steps: [
      'Write down the goal and the date for {x}',
      'List everyone and everything involved',
      'Draft a rough schedule or agenda',
      'Book or reserve what has to be booked',
      'Prepare the material you need',
      'Send the details to the people involved',
      'Do a final check the day before',
    ],
  },
];

const GENERIC = [
  'Define what "done" looks like for {x}',
  'Gather what you need to start',
  'Do the first 25-minute block of work',
  'Do the main part of the work',
  'Check the result against what "done" means',
  'Tidy up loose ends and note anything left for later',
  'Review the result once more with fresh eyes',
  'Share or hand over the result',
];

function subject(title: string): string {
  const words = title
    .trim()
    .replace(/[.!?]+$/, '')
    .split(/\s+/);
  const rest = words.length > 1 ? words.slice(1).join(' ') : words.join(' ');
  return `"${rest.length > 80 ? `${rest.slice(0, 77)}…` : rest}"`;
}

const norm = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** Steps from the first matching template (generic otherwise), sized by difficulty, minus what exists. */
export function breakdownSteps(input: BreakdownInput): string[] {
  const { quest } = input;
  const text = `${quest.title} ${quest.description ?? ''}`;
  const template = TEMPLATES.find((t) => t.match.test(text))?.steps ?? GENERIC;
  const pool = [...template, ...GENERIC.filter((g) => !template.includes(g))];
  const want = Math.min(12, Math.max(3, STEP_COUNT[quest.difficulty] + (ratioFor(input.calibration, quest) > 1.3 ? 1 : 0)));
  const existing = new Set(input.existingSteps.map(norm));
  const steps: string[] = [];
  for (const line of pool) {
    const step = line.replace('{x}', subject(quest.title)).slice(0, 254);
    if (existing.has(norm(step)) || steps.some((s) => norm(s) === norm(step))) continue;
    steps.push(step);
    if (steps.length >= want) break;
  }
  return steps;
}

/** The ratio that applies to this quest: its category's, else its difficulty's, else overall (1 without data). */
export function ratioFor(calibration: Calibration, quest: Pick<QuestFacts, 'difficulty' | 'category'>): number {
  const category = quest.category
    ? calibration.byCategory.find((c) => c.category.toLowerCase() === quest.category!.toLowerCase() && c.samples >= 2)
    : undefined;
  if (category) return category.ratio;
  const difficulty = calibration.byDifficulty.find((d) => d.difficulty === quest.difficulty && d.samples >= 2);
  if (difficulty) return difficulty.ratio;
  return calibration.samples >= 3 ? calibration.overall : 1;
}

const KEYWORD_MINUTES: Array<[RegExp, number]> = [
  [/\b(call|phone|email|e-mail|message|text|pay|reply)\b/i, 15],
  [/\b(buy|shop|order|book|schedule)\b/i, 30],
  [/\b(write|draft|report|prepare|plan|study|learn)\b/i, 90],
  [/\b(build|migrate|refactor|implement|design|launch|move)\b/i, 240],
];

export function estimateQuest(input: EstimateInput): Estimate {
  const { quest, calibration } = input;
  const text = `${quest.title} ${quest.description ?? ''}`;
  const keyword = KEYWORD_MINUTES.find(([re]) => re.test(text));
  let base = keyword ? Math.round((keyword[1] + BASE_MINUTES[quest.difficulty]) / 2) : BASE_MINUTES[quest.difficulty];
  let basis = keyword ? `similar tasks at ${quest.difficulty.toLowerCase()} difficulty` : `a typical ${quest.difficulty.toLowerCase()} quest`;
  if (input.steps.length >= 3) {
    base = Math.max(base, input.steps.length * 15);
    basis = `${input.steps.length} steps at about 15 minutes each`;
  }
  const ratio = ratioFor(calibration, quest);
  const minutes = clamp(roundTo(base * ratio, base * ratio >= 60 ? 15 : 5), 5, 1440);
  const samples = calibration.samples;
  const confidence = Math.round(Math.min(0.8, 0.3 + 0.1 * Math.min(samples, 5)) * 100) / 100;
  const difficulty = difficultyFor(minutes);
  const scaled = Math.abs(ratio - 1) >= 0.05 ? `, scaled by your usual ${ratio.toFixed(1)}x` : '';
  return { minutes, difficulty, confidence, reason: `Based on ${basis}${scaled}.` };
}

export function difficultyFor(minutes: number): Level {
  if (minutes <= 30) return 'EASY';
  if (minutes <= 90) return 'MEDIUM';
  if (minutes <= 240) return 'HARD';
  return 'EPIC';
}

const PRIORITY_POINTS: Record<Urgency, number> = { URGENT: 40, HIGH: 30, MEDIUM: 20, LOW: 10 };

interface Scored {
  quest: NextCandidate;
  score: number;
  why: string[];
}

/** Scores every ready candidate; the highest wins, ties to the lower number. */
export function scoreCandidates(input: NextInput): Scored[] {
  const now = Date.parse(input.now);
  const scored: Scored[] = [];
  for (const quest of input.candidates) {
    if (quest.blockedBy.length) continue;
    const why: string[] = [];
    let score = PRIORITY_POINTS[quest.priority];
    if (quest.priority === 'URGENT' || quest.priority === 'HIGH') why.push(`${quest.priority.toLowerCase()} priority`);
    if (quest.dueAt) {
      const hours = (Date.parse(quest.dueAt) - now) / 3_600_000;
      if (hours < 0) {
        score += 60;
        why.push('overdue');
      } else if (hours <= 24) {
        score += 40;
        why.push('due within a day');
      } else if (hours <= 72) {
        score += 15;
        why.push('due in the next 3 days');
      }
    }
    const minutes = Math.round(quest.estimatedMinutes * ratioFor(input.calibration, quest));
    if (input.availableMinutes !== null) {
      if (minutes <= input.availableMinutes) {
        score += 15;
        why.push(`fits your ${input.availableMinutes} minutes (about ${minutes} for you)`);
      } else score -= 25;
    }
    if (input.streak.days > 0 && !input.streak.completedToday && minutes <= 30) {
      score += 20;
      why.push(`a quick win keeps your ${input.streak.days}-day streak`);
    }
    if (quest.status === 'IN_PROGRESS') {
      score += 10;
      why.push('already started');
    }
    if (quest.stepsTotal > 0 && quest.stepsDone > 0) score += Math.round((10 * quest.stepsDone) / quest.stepsTotal);
    const usual = input.calibration.usualHours.slice(0, 3).includes(input.localHour);
    if ((quest.difficulty === 'HARD' || quest.difficulty === 'EPIC') && usual) {
      score += 8;
      why.push('you usually finish quests at this hour');
    }
    if ((input.localHour >= 21 || input.localHour < 6) && (quest.difficulty === 'EASY' || minutes <= 30)) {
      score += 8;
      why.push('light enough for this late hour');
    }
    scored.push({ quest, score, why });
  }
  return scored.sort((a, b) => b.score - a.score || a.quest.number - b.quest.number);
}

export function pickNext(input: NextInput): NextPick {
  const [best, second] = scoreCandidates(input);
  if (!best)
    return { questNumber: input.candidates[0]?.number ?? 1, reason: 'Every open quest waits on another one; finish a prerequisite first.', confidence: 0.1 };
  const why = best.why.length ? best.why.slice(0, 3).join(', ') : `${best.quest.priority.toLowerCase()} priority and nothing more pressing`;
  const margin = second ? best.score - second.score : 40;
  const confidence = Math.round(Math.min(0.9, 0.4 + margin / 100) * 100) / 100;
  return { questNumber: best.quest.number, reason: capitalise(`${why}.`), confidence };
}

const PRIORITY_WORDS: Array<[RegExp, Urgency]> = [
  [/\b(urgent(ly)?|asap|right away|immediately|critical)\b/i, 'URGENT'],
  [/\b(high[- ]priority|priority:? ?high|important|high prio)\b/i, 'HIGH'],
  [/\b(low[- ]priority|priority:? ?low|whenever|someday|low prio)\b/i, 'LOW'],
  [/\b(medium[- ]priority|normal priority|priority:? ?medium)\b/i, 'MEDIUM'],
];
const DIFFICULTY_WORDS: Array<[RegExp, Level]> = [
  [/\b(epic)\b/i, 'EPIC'],
  [/\b(hard|difficult|tough)\b/i, 'HARD'],
  [/\b(easy|quick|simple)\b/i, 'EASY'],
];
const DURATION = /\b(?:(\d+(?:\.\d+)?)\s*(h|hrs?|hours?)(?:\s*(\d+)\s*(m|mins?|minutes?))?|(\d+)\s*(m|mins?|minutes?))\b/i;

/** Title, due time, priority, difficulty and estimate out of one sentence. */
export function parseSentence(input: ParseInput): ParsedQuest {
  let text = ` ${input.text.trim()} `;
  let priority: Urgency = 'MEDIUM';
  for (const [re, value] of PRIORITY_WORDS) {
    if (re.test(text)) {
      priority = value;
      text = text.replace(re, ' ');
      break;
    }
  }
  let estimateMinutes: number | null = null;
  const duration = DURATION.exec(text);
  if (duration) {
    estimateMinutes = duration[1] ? Math.round(Number(duration[1]) * 60 + Number(duration[3] ?? 0)) : Number(duration[5]);
    estimateMinutes = estimateMinutes >= 1 && estimateMinutes <= 1440 ? estimateMinutes : null;
    text = text.replace(duration[0], ' ');
  }
  let difficulty: Level | null = null;
  for (const [re, value] of DIFFICULTY_WORDS) {
    if (re.test(text)) {
      difficulty = value;
      text = text.replace(re, ' ');
      break;
    }
  }
  const reference = DateTime.fromISO(input.now, { zone: input.timezone });
  const dates = chrono.parse(text, { instant: reference.toJSDate(), timezone: reference.offset }, { forwardDate: true });
  let dueAt: string | null = null;
  const found = dates[0];
  if (found) {
    const c = found.start;
    const local = DateTime.fromObject(
      {
        year: c.get('year') ?? reference.year,
        month: c.get('month') ?? reference.month,
        day: c.get('day') ?? reference.day,
        hour: c.isCertain('hour') ? (c.get('hour') ?? 9) : partOfDay(found.text),
        minute: c.isCertain('hour') ? (c.get('minute') ?? 0) : 0,
      },
      { zone: input.timezone },
    );
    dueAt = local.isValid ? local.toISO({ suppressMilliseconds: true }) : null;
    text = text.replace(found.text, ' ');
  }
  const title = capitalise(
    text
      .replace(/\s*,\s*(,\s*)*/g, ', ')
      .replace(/\b(by|on|at|due|for)\s*(,|$)/gi, '$2')
      .replace(/\s+/g, ' ')
      .replace(/^[\s,;:-]+|[\s,;:.-]+$/g, '')
      .replace(/(,\s*)+$/g, ''),
  ).slice(0, 255);
  return {
    title: title || input.text.trim().slice(0, 255),
    dueAt,
    priority,
    difficulty: difficulty ?? (estimateMinutes ? difficultyFor(estimateMinutes) : 'MEDIUM'),
    estimateMinutes,
  };
}

/** "morning" means 09:00, "afternoon" 14:00, "evening" 19:00; a bare date means 09:00. */
function partOfDay(text: string): number {
  if (/\bnoon|midday\b/i.test(text)) return 12;
  if (/\bafternoon\b/i.test(text)) return 14;
  if (/\b(evening|tonight)\b/i.test(text)) return 19;
  if (/\bnight\b/i.test(text)) return 21;
  return 9;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function roundTo(value: number, step: number): number {
  return Math.round(value / step) * step;
}
