import { coreMessages, ValidationError } from './errors.js';

/**
 * Typed command options. Each kind knows how to turn a raw value (a string from
 * the text grammar, or an already-typed value from Discord) into its typed value,
 * and describes itself for help text and platform registration.
 */
export type OptionKind = 'text' | 'integer' | 'choice' | 'boolean' | 'duration' | 'quest';
export type NameSource = 'category' | 'project' | 'tag';

interface BaseOption<T> {
  kind: OptionKind;
  description: string;
  required: boolean;
  default?: T;
  /** Platforms that support it offer suggestions (Discord autocomplete). */
  autocomplete?: boolean;
  /** Where suggestions for a free-text option come from: the user's own names of that kind. */
  suggest?: NameSource;
  /** Suggestions that need no data of the user (time zone names), computed from what is typed so far. */
  complete?: (partial: string) => Array<{ name: string; value: string }>;
  /** A required option that may be left out when this other option is given (Discord then marks it optional). */
  requiredUnless?: string;
  /** Only ever given as `name:value` in the text grammar, never filled from a bare word (so `2 3` never reads as minutes). */
  named?: boolean;
  /** Converts and validates; throws a message naming the allowed values or range. */
  parse(raw: unknown): T;
  /** Phantom marker for type inference. */
  readonly __type?: T;
}

export interface TextOption extends BaseOption<string> {
  kind: 'text';
  minLength: number;
  maxLength: number;
}
export interface IntegerOption extends BaseOption<number> {
  kind: 'integer';
  min?: number;
  max?: number;
}
export interface ChoiceOption<C extends string = string> extends BaseOption<C> {
  kind: 'choice';
  choices: readonly C[];
}
export interface BooleanOption extends BaseOption<boolean> {
  kind: 'boolean';
}
export interface DurationOption extends BaseOption<number> {
  kind: 'duration';
  /** Minutes. */
  min: number;
  max: number;
}
export interface QuestOption extends BaseOption<string> {
  kind: 'quest';
}
/** One or several quests: `2 3 4`, `#2,#3`, or one title. */
export interface QuestListOption extends BaseOption<string[]> {
  kind: 'quest';
  multiple: true;
}

export type AnyOption = TextOption | IntegerOption | ChoiceOption | BooleanOption | DurationOption | QuestOption | QuestListOption;
export type OptionMap = Record<string, AnyOption & { __type?: unknown }>;

type Value<O> = O extends BaseOption<infer T> ? T : never;
type RequiredKeys<M extends OptionMap> = {
  [K in keyof M]: M[K]['required'] extends true ? K : M[K] extends { default: NonNullable<unknown> } ? K : never;
}[keyof M];

/** The typed argument object a handler receives for an option map. */
export type ArgsOf<M extends OptionMap> = { [K in RequiredKeys<M>]: Value<M[K]> } & {
  [K in Exclude<keyof M, RequiredKeys<M>>]?: Value<M[K]>;
};

/** Thrown by an option's `parse` with what is wrong; `parseOption` names the option and adds the usage. */
export class OptionValueError extends Error {}

/** C0/C1 control characters other than tab and line breaks: NUL crashes PostgreSQL, the rest corrupt rendering. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
/** Bidi embeddings, overrides and isolates: they reorder the text around them (spoofing). */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/u;
/** What renders as nothing: spaces, format characters (zero-width, soft hyphen), fillers, blank braille. */
const INVISIBLE = /[\s\p{Cf}\p{Cc}\p{Z}\u115F\u1160\u3164\uFFA0\u2800]|\u034F|\p{Variation_Selector}/gu;

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function asString(raw: unknown): string {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (typeof raw === 'number' || typeof raw === 'boolean') text = String(raw);
  else throw new OptionValueError('must be text');
  const control = CONTROL.exec(text);
  if (control) throw new OptionValueError(`must not contain control characters (found ${codePoint(control[0])})`);
  return text;
}

/** Free text a person will read: no direction overrides, and something visible. */
function readableText(raw: unknown): string {
  const text = asString(raw).trim();
  const bidi = BIDI.exec(text);
  if (bidi) throw new OptionValueError(`must not contain text-direction override characters (found ${codePoint(bidi[0])})`);
  if (text !== '' && text.replace(INVISIBLE, '') === '') throw new OptionValueError('must contain visible characters');
  return text;
}

/** Length in characters (code points), as PostgreSQL counts `varchar(n)`, not UTF-16 units. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** PostgreSQL `integer`: the widest whole number an option may carry when its spec sets no bound. */
const INT_MIN = -2_147_483_648;
const INT_MAX = 2_147_483_647;
/** Durations beyond this are not printed as hours and minutes (they are out of every range anyway). */
const PRINTABLE_MINUTES = 1_000_000_000;

type Common<T> = {
  description: string;
  required?: boolean;
  default?: T;
  autocomplete?: boolean;
  suggest?: NameSource;
  complete?: BaseOption<T>['complete'];
  named?: boolean;
};

function base<T>(kind: OptionKind, o: Common<T>, parse: (raw: unknown) => T) {
  return {
    kind,
    description: o.description,
    required: o.required ?? false,
    ...(o.default !== undefined ? { default: o.default } : {}),
    ...(o.autocomplete || o.suggest || o.complete ? { autocomplete: true } : {}),
    ...(o.suggest ? { suggest: o.suggest } : {}),
    ...(o.complete ? { complete: o.complete } : {}),
    ...(o.named ? { named: true } : {}),
    parse,
  };
}

export const opt = {
  text<R extends boolean = false>(o: Common<string> & { required?: R; min?: number; max: number }) {
    const min = o.min ?? 1;
    return {
      ...base('text', o, (raw) => {
        const value = readableText(raw);
        const length = charLength(value);
        if (length < min) throw new OptionValueError(min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
        if (length > o.max) throw new OptionValueError(`must be at most ${o.max} characters (got ${length})`);
        return value;
      }),
      minLength: min,
      maxLength: o.max,
    } as TextOption & { required: R };
  },
  integer<R extends boolean = false>(o: Common<number> & { required?: R; min?: number; max?: number }) {
    return {
      ...base('integer', o, (raw) => {
        const text = typeof raw === 'number' ? String(raw) : asString(raw).trim();
        const range = describeRange(o.min, o.max);
        if (!/^[-+]?\d+$/.test(text)) throw new OptionValueError(`must be a whole number${range}`);
        const value = Number(text);
        if ((o.min !== undefined && value < o.min) || (o.max !== undefined && value > o.max) || value < INT_MIN || value > INT_MAX) {
          // Without a bound of its own an option still fits a PostgreSQL integer; a huge number is
          // not echoed back (it would print as 1e+21).
          const shown = value < INT_MIN || value > INT_MAX ? describeRange(o.min ?? INT_MIN, o.max ?? INT_MAX) : range;
          const got = Number.isSafeInteger(value) ? ` (got ${value})` : '';
          throw new OptionValueError(`must be${shown}${got}`);
        }
        return value;
      }),
      min: o.min,
      max: o.max,
    } as IntegerOption & { required: R };
  },
  /** One of `choices`; `aliases` are other words accepted for one of them (`on` for `show`), never offered. */
  choice<const C extends string, R extends boolean = false>(o: Common<C> & { required?: R; choices: readonly C[]; aliases?: Readonly<Record<string, C>> }) {
    return {
      ...base('choice', o, (raw) => {
        const value = asString(raw).trim().toLowerCase();
        const alias = o.aliases && Object.hasOwn(o.aliases, value) ? o.aliases[value] : undefined;
        const match = alias ?? o.choices.find((c) => c.toLowerCase() === value);
        if (!match) throw new OptionValueError(`must be one of ${o.choices.join(', ')} (got "${asString(raw)}")`);
        return match;
      }),
      choices: o.choices,
    } as ChoiceOption<C> & { required: R };
  },
  boolean<R extends boolean = false>(o: Common<boolean> & { required?: R }) {
    return base('boolean', o, (raw) => {
      if (typeof raw === 'boolean') return raw;
      const value = asString(raw).trim().toLowerCase();
      if (['yes', 'y', 'true', 'on', '1'].includes(value)) return true;
      if (['no', 'n', 'false', 'off', '0'].includes(value)) return false;
      throw new OptionValueError(`must be yes or no (got "${value}")`);
    }) as BooleanOption & { required: R };
  },
  /** A duration in minutes: `45m`, `1h30m`, `2h`, `1.5h` or a bare number of minutes. */
  duration<R extends boolean = false>(o: Common<number> & { required?: R; min?: number; max?: number }) {
    const min = o.min ?? 1;
    const max = o.max ?? 1440;
    return {
      ...base('duration', o, (raw) => {
        const minutes = typeof raw === 'number' ? raw : parseDuration(asString(raw));
        const range = `between ${formatDuration(min)} and ${formatDuration(max)}`;
        if (minutes === null || !Number.isInteger(minutes)) {
          throw new OptionValueError(`must be a duration such as 45m, 1h30m or 90 (minutes), ${range}`);
        }
        if (minutes < min || minutes > max) {
          const got = minutes > PRINTABLE_MINUTES ? `more than ${formatDuration(max)}` : formatDuration(minutes);
          throw new OptionValueError(`must be ${range} (got ${got})`);
        }
        return minutes;
      }),
      min,
      max,
    } as DurationOption & { required: R };
  },
  /** A quest named by its number (`12`, `#12`) or a unique fragment of its title. */
  quest<R extends boolean = false>(o: Common<string> & { required?: R }) {
    return {
      ...base('quest', { ...o, autocomplete: true }, (raw) => {
        const value = readableText(raw);
        if (!value) throw new OptionValueError('must name a quest by number (#12) or title');
        if (charLength(value) > 255) throw new OptionValueError('must be at most 255 characters');
        return value;
      }),
    } as QuestOption & { required: R };
  },
  /** Several quests by number (`2 3 4`, `#2,#3`) or one by number or title. */
  quests<R extends boolean = false>(o: Common<string[]> & { required?: R }) {
    return {
      ...base('quest', { ...o, autocomplete: true }, (raw) => {
        const value = asString(raw).trim();
        if (!value) throw new OptionValueError('must name a quest by number (#12) or title');
        if (value.length > 1000) throw new OptionValueError('must be at most 1000 characters');
        return splitQuestRefs(value);
      }),
      multiple: true,
    } as QuestListOption & { required: R };
  },
};

/**
 * `2 3 4`, `#2,#3` and `#2, 3` name several quests by number; anything else is one
 * quest's title (`3 little pigs`). A number followed by a duration is refused rather
 * than guessed at: `12 45` means #12 and #45, and `12 45m` is an error, never "#12 in 45 minutes".
 */
export function splitQuestRefs(value: string): string[] {
  const pieces = value.split(/[\s,]+/).filter(Boolean);
  const isNumber = (piece: string) => /^#?\d+$/.test(piece);
  if (pieces.every(isNumber)) {
    const numbers = [...new Set(pieces.map((p) => `#${p.replace(/^#/, '')}`))];
    if (numbers.length > 25) throw new OptionValueError(`names ${numbers.length} quests; at most 25 at once`);
    return numbers;
  }
  const stray = pieces.find((p) => !isNumber(p))!;
  if (isNumber(pieces[0]!) && parseDuration(stray) !== null) {
    throw new OptionValueError(`takes quest numbers (2 3 4 or #2,#3) or one title, not "${stray}" after a number; other values go by name, e.g. minutes:45m`);
  }
  return [value];
}

function describeRange(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

export function parseDuration(text: string): number | null {
  const value = text.trim().toLowerCase().replace(/\s+/g, '');
  // Twelve digits already exceed any duration; longer ones would lose precision.
  if (/\d{13}/.test(value)) return PRINTABLE_MINUTES + 1;
  if (/^\d+$/.test(value)) return Number(value);
  const hours = /^(\d+(?:\.\d+)?)h$/.exec(value);
  if (hours) return Math.round(Number(hours[1]) * 60);
  const full = /^(?:(\d+)h)?(?:(\d+)m(?:in)?)?$/.exec(value);
  if (full && (full[1] || full[2])) return Number(full[1] ?? 0) * 60 + Number(full[2] ?? 0);
  return null;
}

export function formatDuration(minutes: number): string {
  if (!Number.isFinite(minutes) || Math.abs(minutes) > PRINTABLE_MINUTES) return 'a very long time';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h && m) return `${h}h${m}m`;
  if (h) return `${h}h`;
  return `${m}m`;
}

/** Parses one option's raw value; the error names the option. */
export function parseOption(name: string, option: AnyOption, raw: unknown, usage?: string): unknown {
  try {
    return option.parse(raw);
  } catch (error) {
    if (error instanceof OptionValueError) {
      throw new ValidationError(coreMessages.option_invalid({ option: name, problem: error.message }), { field: name, usage });
    }
    throw error;
  }
}

export function describeOptionType(option: AnyOption): string {
  switch (option.kind) {
    case 'text':
      return `text, up to ${option.maxLength} characters`;
    case 'integer':
      return `whole number${describeRange(option.min, option.max)}`;
    case 'choice':
      return option.choices.join(' | ');
    case 'boolean':
      return 'yes | no';
    case 'duration':
      return `duration ${formatDuration(option.min)}..${formatDuration(option.max)}`;
    case 'quest':
      return 'quest number (#12) or title';
  }
}
