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

export type AnyOption = TextOption | IntegerOption | ChoiceOption | BooleanOption | DurationOption | QuestOption;
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

function asString(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw new OptionValueError('must be text');
}

type Common<T> = { description: string; required?: boolean; default?: T; autocomplete?: boolean; suggest?: NameSource };

function base<T>(kind: OptionKind, o: Common<T>, parse: (raw: unknown) => T) {
  return {
    kind,
    description: o.description,
    required: o.required ?? false,
    ...(o.default !== undefined ? { default: o.default } : {}),
    ...(o.autocomplete || o.suggest ? { autocomplete: true } : {}),
    ...(o.suggest ? { suggest: o.suggest } : {}),
    parse,
  };
}

export const opt = {
  text<R extends boolean = false>(o: Common<string> & { required?: R; min?: number; max: number }) {
    const min = o.min ?? 1;
    return {
      ...base('text', o, (raw) => {
        const value = asString(raw).trim();
        if (value.length < min) throw new OptionValueError(min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
        if (value.length > o.max) throw new OptionValueError(`must be at most ${o.max} characters (got ${value.length})`);
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
        if ((o.min !== undefined && value < o.min) || (o.max !== undefined && value > o.max)) {
          throw new OptionValueError(`must be${range.replace(/^ /, ' ')} (got ${value})`);
        }
        return value;
      }),
      min: o.min,
      max: o.max,
    } as IntegerOption & { required: R };
  },
  choice<const C extends string, R extends boolean = false>(o: Common<C> & { required?: R; choices: readonly C[] }) {
    return {
      ...base('choice', o, (raw) => {
        const value = asString(raw).trim().toLowerCase();
        const match = o.choices.find((c) => c.toLowerCase() === value);
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
        if (minutes < min || minutes > max) throw new OptionValueError(`must be ${range} (got ${formatDuration(minutes)})`);
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
        const value = asString(raw).trim();
        if (!value) throw new OptionValueError('must name a quest by number (#12) or title');
        if (value.length > 255) throw new OptionValueError('must be at most 255 characters');
        return value;
      }),
    } as QuestOption & { required: R };
  },
};

function describeRange(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

export function parseDuration(text: string): number | null {
  const value = text.trim().toLowerCase().replace(/\s+/g, '');
  if (/^\d+$/.test(value)) return Number(value);
  const hours = /^(\d+(?:\.\d+)?)h$/.exec(value);
  if (hours) return Math.round(Number(hours[1]) * 60);
  const full = /^(?:(\d+)h)?(?:(\d+)m(?:in)?)?$/.exec(value);
  if (full && (full[1] || full[2])) return Number(full[1] ?? 0) * 60 + Number(full[2] ?? 0);
  return null;
}

export function formatDuration(minutes: number): string {
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
