import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  Routes,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { formatDuration, type AnyOption } from '../../core/options.js';
import type { CommandSpec, SubcommandSpec } from '../../core/spec.js';
import { truncate } from '../../core/text.js';

export type DiscordCommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody;

/** Discord's registration limits (application commands reference). */
export const DISCORD_COMMAND_LIMITS = {
  name: /^[-_\p{L}\p{N}]{1,32}$/u,
  description: 100,
  commands: 100,
  options: 25,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  stringLength: 6000,
  /** Combined characters of names, descriptions and choices of one command. */
  commandCharacters: 4000,
} as const;

/**
 * The chat commands Discord registers, generated from the command specs:
 * subcommands become type-1 options, typed options keep their types, limits
 * and choices, and quest options ask for autocomplete.
 */
export function discordCommands(commands: readonly CommandSpec[]): DiscordCommandJson[] {
  return commands.map((command) => ({
    type: ApplicationCommandType.ChatInput,
    name: command.name,
    description: fit(command.description),
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    options: command.subcommands
      ? Object.entries(command.subcommands).map(([name, sub]) => ({
          type: ApplicationCommandOptionType.Subcommand as const,
          name,
          description: fit(sub.description),
          options: subcommandOptions(sub),
        }))
      : subcommandOptions(command.root!),
  }));
}

function subcommandOptions(sub: SubcommandSpec<any>): APIApplicationCommandBasicOption[] {
  const entries = Object.entries(sub.options as Record<string, AnyOption>);
  // Discord refuses a required option after an optional one; the spec order is kept otherwise.
  const ordered = [...entries.filter(([, o]) => o.required), ...entries.filter(([, o]) => !o.required)];
  return ordered.map(([name, option]) => toDiscordOption(name, option));
}

function toDiscordOption(name: string, option: AnyOption): APIApplicationCommandBasicOption {
  const shown = option.default !== undefined ? withDefault(option) : option.description;
  const base = { name, description: fit(shown), ...(option.required ? { required: true } : {}) };
  const suggest = option.autocomplete ? { autocomplete: true } : {};
  let json: Record<string, unknown>;
  switch (option.kind) {
    case 'text':
      json = {
        ...base,
        type: ApplicationCommandOptionType.String,
        max_length: Math.min(option.maxLength, DISCORD_COMMAND_LIMITS.stringLength),
        ...(option.minLength > 1 ? { min_length: option.minLength } : {}),
        ...suggest,
      };
      break;
    case 'integer':
      json = {
        ...base,
        type: ApplicationCommandOptionType.Integer,
        ...(option.min !== undefined ? { min_value: option.min } : {}),
        ...(option.max !== undefined ? { max_value: option.max } : {}),
        ...suggest,
      };
      break;
    case 'choice':
      // More choices than Discord lists are offered through autocomplete (the dispatcher filters them).
      json =
        option.choices.length <= DISCORD_COMMAND_LIMITS.choices
          ? { ...base, type: ApplicationCommandOptionType.String, choices: option.choices.map((c) => ({ name: c.replace(/_/g, ' '), value: c })) }
          : { ...base, type: ApplicationCommandOptionType.String, autocomplete: true };
      break;
    case 'boolean':
      json = { ...base, type: ApplicationCommandOptionType.Boolean };
      break;
    case 'duration':
      // Typed as text (`1h30m`) and parsed by the core, like on every other platform.
      json = { ...base, type: ApplicationCommandOptionType.String, max_length: 32 };
      break;
    case 'quest':
      json = { ...base, type: ApplicationCommandOptionType.String, max_length: 255, autocomplete: true };
      break;
  }
  return json as unknown as APIApplicationCommandBasicOption;
}

/** Every way the generated JSON breaks Discord's limits (empty when it is valid). */
export function discordCommandProblems(body: readonly DiscordCommandJson[]): string[] {
  const L = DISCORD_COMMAND_LIMITS;
  const problems: string[] = [];
  if (body.length > L.commands) problems.push(`${body.length} commands (at most ${L.commands})`);
  const names = new Set<string>();
  for (const command of body) {
    const where = `/${command.name}`;
    if (names.has(command.name)) problems.push(`${where}: duplicate command name`);
    names.add(command.name);
    checkNamed(where, command, problems);
    const characters = countCharacters(command);
    if (characters > L.commandCharacters) problems.push(`${where}: ${characters} characters in total (at most ${L.commandCharacters})`);
    checkOptions(where, command.options ?? [], problems);
  }
  return problems;
}

function checkOptions(where: string, options: readonly APIApplicationCommandOption[], problems: string[]): void {
  const L = DISCORD_COMMAND_LIMITS;
  if (options.length > L.options) problems.push(`${where}: ${options.length} options (at most ${L.options})`);
  const names = new Set<string>();
  let optionalSeen = false;
  for (const option of options) {
    const path = `${where} ${option.name}`;
    if (names.has(option.name)) problems.push(`${path}: duplicate option name`);
    names.add(option.name);
    checkNamed(path, option, problems);
    const o = option as APIApplicationCommandOption & { required?: boolean; choices?: Array<{ name: string; value: unknown }>; autocomplete?: boolean; max_length?: number; options?: APIApplicationCommandOption[] };
    if (o.required && optionalSeen) problems.push(`${path}: required option after an optional one`);
    if (!o.required) optionalSeen = true;
    if (o.choices) {
      if (o.autocomplete) problems.push(`${path}: choices and autocomplete together`);
      if (o.choices.length > L.choices) problems.push(`${path}: ${o.choices.length} choices (at most ${L.choices})`);
      for (const choice of o.choices) {
        if (choice.name.length < 1 || choice.name.length > L.choiceName) problems.push(`${path}: choice name "${choice.name}" must be 1-${L.choiceName} characters`);
        if (typeof choice.value === 'string' && (choice.value.length < 1 || choice.value.length > L.choiceValue)) {
          problems.push(`${path}: choice value "${choice.value}" must be 1-${L.choiceValue} characters`);
        }
      }
    }
    if (o.max_length !== undefined && (o.max_length < 1 || o.max_length > L.stringLength)) problems.push(`${path}: max_length ${o.max_length} out of 1-${L.stringLength}`);
    if (o.options) checkOptions(path, o.options, problems);
  }
}

function checkNamed(where: string, item: { name: string; description: string }, problems: string[]): void {
  const L = DISCORD_COMMAND_LIMITS;
  if (!L.name.test(item.name) || item.name !== item.name.toLowerCase()) problems.push(`${where}: name must be 1-32 lowercase letters, digits, - or _`);
  if (item.description.length < 1 || item.description.length > L.description) problems.push(`${where}: description must be 1-${L.description} characters`);
}

function countCharacters(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + countCharacters(v), 0);
  if (!value || typeof value !== 'object') return 0;
  let total = 0;
  for (const [k, v] of Object.entries(value)) {
    if ((k === 'name' || k === 'description' || k === 'value') && typeof v === 'string') total += v.length;
    else if (typeof v === 'object') total += countCharacters(v);
  }
  return total;
}

/**
 * Bulk-overwrites the registered commands: the guild's with `guildId` (instant,
 * for development), otherwise the global ones. Refuses JSON Discord would refuse.
 */
export async function deployCommands(rest: REST, applicationId: string, commands: readonly CommandSpec[], guildId?: string): Promise<DiscordCommandJson[]> {
  const body = discordCommands(commands);
  const problems = discordCommandProblems(body);
  if (problems.length) throw new Error(`The command specs break Discord's limits:\n- ${problems.join('\n- ')}`);
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  await rest.put(route, { body });
  return body;
}

function withDefault(option: AnyOption): string {
  const value = option.kind === 'duration' ? formatDuration(option.default as number) : option.kind === 'boolean' ? (option.default ? 'yes' : 'no') : String(option.default).replace(/_/g, ' ');
  const shown = `${option.description} (default ${value})`;
  return shown.length <= DISCORD_COMMAND_LIMITS.description ? shown : option.description;
}

function fit(text: string): string {
  return truncate(text, DISCORD_COMMAND_LIMITS.description);
}
