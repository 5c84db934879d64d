import { coreMessages, UnknownCommandError, ValidationError } from './errors.js';
import { tokenize, UnterminatedQuoteError, type Token } from './grammar.js';
import { describeOptionType, formatDuration, parseOption, type AnyOption } from './options.js';
import type { CommandSpec, SubcommandSpec } from './spec.js';

export interface ResolvedCommand {
  command: CommandSpec;
  subName?: string;
  sub: SubcommandSpec<any>;
  usage: string;
}

/** The explicit list of commands, and the one way to look them up and parse their arguments. */
export class CommandRegistry {
  private readonly byName = new Map<string, CommandSpec>();

  constructor(readonly commands: readonly CommandSpec[]) {
    for (const command of commands) this.byName.set(command.name, command);
  }

  get(name: string): CommandSpec | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Finds the subcommand; unknown names answer with the usage of the closest match. */
  resolve(commandName: string, subName?: string): ResolvedCommand {
    const command = this.get(commandName);
    if (!command) {
      const guess = closest(commandName, [...this.byName.keys()]);
      throw new UnknownCommandError(coreMessages.unknown_command({ command: commandName, guess }), {
        usage: guess ? this.commandUsage(this.byName.get(guess)!) : undefined,
      });
    }
    if (command.root) return { command, sub: command.root, usage: usageLine(command) };
    const subs = command.subcommands!;
    // A command with a `help` subcommand shows it when called alone (`/questlog`).
    const name = subName?.toLowerCase() ?? (Object.hasOwn(subs, 'help') ? 'help' : undefined);
    // Own properties only: `constructor` or `__proto__` are not subcommands.
    if (!name || !Object.hasOwn(subs, name)) {
      const guess = name ? closest(name, Object.keys(subs)) : undefined;
      const message = name
        ? coreMessages.unknown_subcommand({ command: command.name, sub: name, guess })
        : coreMessages.needs_subcommand({ command: command.name, subs: Object.keys(subs) });
      throw new UnknownCommandError(message, { usage: guess ? usageLine(command, guess) : this.commandUsage(command) });
    }
    return { command, subName: name, sub: subs[name]!, usage: usageLine(command, name) };
  }

  /** Parses text-grammar input (`create "Title" difficulty:hard`) into a subcommand and raw args. */
  parseText(commandName: string, text: string): { resolved: ResolvedCommand; raw: Record<string, unknown> } {
    const command = this.get(commandName);
    let tokens: Token[];
    try {
      tokens = tokenize(text);
    } catch (error) {
      if (!(error instanceof UnterminatedQuoteError)) throw error;
      const first = /^\s*([a-z][\w-]*)/i.exec(text)?.[1];
      let usage: string | undefined;
      try {
        usage = this.resolve(commandName, command?.subcommands ? first : undefined).usage;
      } catch {
        usage = command ? this.commandUsage(command) : undefined;
      }
      throw new ValidationError(coreMessages.unterminated_quote({ quote: error.quote, fragment: error.fragment, option: error.option }), {
        field: error.option,
        usage,
      });
    }
    let subName: string | undefined;
    if (command?.subcommands && tokens[0] && !tokens[0].name && !tokens[0].quoted) {
      subName = tokens[0].value;
      tokens = tokens.slice(1);
    }
    const resolved = this.resolve(commandName, subName);
    return { resolved, raw: assignTokens(resolved, tokens) };
  }

  /** Validates raw values (strings or typed) into the handler's typed arguments. */
  parseArgs(resolved: ResolvedCommand, raw: Record<string, unknown>): Record<string, unknown> {
    const args: Record<string, unknown> = {};
    const options = resolved.sub.options as Record<string, AnyOption>;
    for (const name of Object.keys(raw)) {
      if (!Object.hasOwn(options, name)) {
        const guess = closest(name, Object.keys(options));
        throw new ValidationError(coreMessages.no_such_option({ command: commandPath(resolved), option: name, guess }), { field: name, usage: resolved.usage });
      }
    }
    for (const [name, option] of Object.entries(options)) {
      const value = raw[name];
      if (value === undefined || value === null || value === '') {
        const standIn = option.requiredUnless ? raw[option.requiredUnless] : undefined;
        if (option.required && (standIn === undefined || standIn === null || standIn === '')) {
          throw new ValidationError(coreMessages.option_missing({ option: name, description: option.description }), {
            field: name,
            usage: resolved.usage,
          });
        }
        if (option.default !== undefined) args[name] = option.default;
        continue;
      }
      args[name] = parseOption(name, option, value, resolved.usage);
    }
    return args;
  }

  commandUsage(command: CommandSpec): string {
    if (command.root) return usageLine(command);
    return Object.keys(command.subcommands!)
      .map((name) => usageLine(command, name))
      .join('\n');
  }
}

export function commandPath(resolved: ResolvedCommand): string {
  return resolved.subName ? `${resolved.command.name} ${resolved.subName}` : resolved.command.name;
}

/**
 * Positional tokens fill options in declared order; the last required option,
 * when it is free text or a quest, takes the unquoted words that follow, so
 * `/step add 12 Buy milk` needs no quotes while `"Plan trip" "Book flights"`
 * still fills two options.
 */
function assignTokens(resolved: ResolvedCommand, tokens: Token[]): Record<string, unknown> {
  const options = Object.entries(resolved.sub.options as Record<string, AnyOption>);
  // No prototype: a typed `__proto__:x` must become an (unknown) option, not the object's prototype.
  const raw: Record<string, unknown> = Object.create(null);
  const positional: Token[] = [];
  for (const token of tokens) {
    if (token.name) {
      if (Object.hasOwn(raw, token.name)) {
        throw new ValidationError(coreMessages.option_twice({ option: token.name }), { field: token.name, usage: resolved.usage });
      }
      const known = Object.hasOwn(resolved.sub.options, token.name);
      // `difficulty:` with nothing after it is a mistake, not "the default".
      if (known && token.value === '' && !token.quoted) {
        const option = (resolved.sub.options as Record<string, AnyOption>)[token.name]!;
        throw new ValidationError(coreMessages.option_empty({ option: token.name, expected: describeOptionType(option) }), {
          field: token.name,
          usage: resolved.usage,
        });
      }
      // `word: more text` is plain text; `word:value` names an option, possibly a mistyped one
      if (known || token.value !== '') {
        raw[token.name] = token.value;
        continue;
      }
      positional.push({ value: token.prefix!, quoted: false });
      continue;
    }
    positional.push(token);
  }
  const free = options.filter(([name, o]) => !Object.hasOwn(raw, name) && !o.named);
  const requiredNames = options.filter(([, o]) => o.required).map(([n]) => n);
  const lastRequired = requiredNames[requiredNames.length - 1];
  let i = 0;
  for (const [name, option] of free) {
    if (i >= positional.length) break;
    const greedy = name === lastRequired && (option.kind === 'text' || option.kind === 'quest');
    if (greedy) {
      // A quoted value is already delimited; unquoted words run up to the next quoted value.
      const nextQuoted = positional.findIndex((t, j) => j > i && t.quoted);
      const available = (nextQuoted === -1 ? positional.length : nextQuoted) - i;
      const optionalAfter = free.slice(free.findIndex(([n]) => n === name) + 1).length;
      const several = 'multiple' in option && option.multiple;
      const take = positional[i]!.quoted ? 1 : several ? available : Math.max(1, available - (option.kind === 'quest' ? optionalAfter : 0));
      raw[name] = positional
        .slice(i, i + take)
        .map((t) => t.value)
        .join(' ');
      i += take;
    } else {
      raw[name] = positional[i]!.value;
      i++;
    }
  }
  if (i < positional.length) {
    const extra = positional
      .slice(i)
      .map((t) => t.value)
      .join(' ');
    throw new ValidationError(coreMessages.unexpected_text({ text: extra }), {
      usage: resolved.usage,
    });
  }
  return raw;
}

export function usageLine(command: CommandSpec, subName?: string): string {
  const sub = subName ? command.subcommands![subName]! : command.root!;
  const parts = [`/${command.name}${subName ? ` ${subName}` : ''}`];
  for (const [name, option] of Object.entries(sub.options as Record<string, AnyOption>)) {
    if (option.required) parts.push(`<${name}>`);
    else parts.push(`[${name}:${option.kind === 'choice' ? option.choices.join('|') : option.kind === 'boolean' ? 'yes|no' : '…'}]`);
  }
  return parts.join(' ');
}

export function optionHelp(name: string, option: AnyOption): string {
  const shown = option.kind === 'duration' && typeof option.default === 'number' ? formatDuration(option.default) : String(option.default);
  const def = option.default !== undefined ? `, default ${shown}` : '';
  return `${name}${option.required ? '' : ' (optional)'}: ${option.description} (${describeOptionType(option)}${def})`;
}

function closest(input: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(input.toLowerCase(), candidate);
    const prefix = candidate.startsWith(input.toLowerCase()) ? -1 : 0;
    if (distance + prefix < bestDistance) {
      best = candidate;
      bestDistance = distance + prefix;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(input.length / 2)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
