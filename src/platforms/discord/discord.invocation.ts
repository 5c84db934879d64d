import { ApplicationCommandOptionType, ComponentType, InteractionType, type APIInteraction } from 'discord.js';
import { splitCommandLine, type Identity, type Invocation, type SpaceRef } from '../../core/invocation.js';
import type { CommandRegistry } from '../../core/registry.js';
import type { ModalSpec } from '../../core/reply.js';
import type { DiscordCustomIds } from './discord.custom-id.js';

/** What an interaction asks for, in the core's terms. */
export type DiscordInput =
  /** `update`: a click on a message this user's own command produced, so the answer may replace it. */
  | { kind: 'run'; invocation: Invocation; update: boolean }
  | { kind: 'autocomplete'; invocation: Invocation; focused: string; partial: string }
  /** A button that opens a modal: the modal is the first response. */
  | { kind: 'modal'; modal: ModalSpec }
  | { kind: 'expired' }
  /** A click on a message that answered someone else: its buttons name their quests, not the clicker's. */
  | { kind: 'foreign' }
  | { kind: 'unsupported' };

interface RawUser {
  id: string;
  username: string;
  global_name?: string | null;
}
interface RawOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
  options?: RawOption[];
}
interface RawComponent {
  type: number;
  custom_id?: string;
  value?: string;
  component?: RawComponent;
  components?: RawComponent[];
}
/** The fields of an interaction payload this module reads (discord-api-types' unions, loosened). */
interface RawInteraction {
  type: number;
  guild_id?: string;
  locale?: string;
  member?: { user: RawUser };
  user?: RawUser;
  data?: { name?: string; options?: RawOption[]; custom_id?: string; components?: RawComponent[] };
  message?: { interaction_metadata?: { user?: { id: string } }; interaction?: { user?: { id: string } } };
}

/** The Discord user is the identity (ids are global, so the scope is empty). */
function discordIdentity(payload: APIInteraction): Identity {
  const raw = payload as unknown as RawInteraction;
  const user = raw.member?.user ?? raw.user;
  if (!user) throw new Error('interaction without a user');
  return { platform: 'discord', scope: '', platformUserId: user.id, displayName: user.global_name || user.username };
}

/** The guild is the space; direct messages have none. */
function discordSpace(payload: APIInteraction): SpaceRef | undefined {
  const guildId = (payload as unknown as RawInteraction).guild_id;
  return guildId ? { platform: 'discord', externalId: guildId } : undefined;
}

/**
 * Reads an interaction payload: chat input options become structured args,
 * a button's custom_id is an action line in the text grammar, a modal submit
 * is its action line plus the fields as named options.
 */
export async function readInteraction(payload: APIInteraction, registry: CommandRegistry, ids: DiscordCustomIds): Promise<DiscordInput> {
  const raw = payload as unknown as RawInteraction;
  const identity = discordIdentity(payload);
  const base = { identity, space: discordSpace(payload), hints: raw.locale ? { locale: raw.locale } : undefined };
  switch (raw.type) {
    case InteractionType.ApplicationCommand:
    case InteractionType.ApplicationCommandAutocomplete: {
      const { subcommand, leaf } = commandOptions(raw.data?.options ?? []);
      const args = Object.fromEntries(leaf.filter((o) => o.value !== undefined).map((o) => [o.name, o.value]));
      const invocation: Invocation = { ...base, command: raw.data?.name ?? '', subcommand, args, source: 'command' };
      if (raw.type === InteractionType.ApplicationCommand) return { kind: 'run', invocation, update: false };
      // Without a focused option there is nothing to suggest, but the answer must still be choices.
      const focused = leaf.find((o) => o.focused);
      return { kind: 'autocomplete', invocation, focused: focused?.name ?? '', partial: String(focused?.value ?? '') };
    }
    case InteractionType.MessageComponent:
    case InteractionType.ModalSubmit: {
      const owner = raw.message?.interaction_metadata?.user?.id ?? raw.message?.interaction?.user?.id;
      if (owner && owner !== identity.platformUserId) return { kind: 'foreign' };
      const target = await ids.resolve(raw.data?.custom_id ?? '');
      if (target.kind === 'expired') return target;
      if (target.kind === 'modal') return raw.type === InteractionType.MessageComponent ? target : { kind: 'unsupported' };
      const update = Boolean(owner);
      if (raw.type === InteractionType.MessageComponent) {
        return { kind: 'run', invocation: { ...base, ...splitCommandLine(target.action), source: 'button' }, update };
      }
      return { kind: 'run', invocation: { ...base, ...withFields(registry, target.action, modalFields(raw.data?.components ?? [])), source: 'modal' }, update };
    }
    default:
      return { kind: 'unsupported' };
  }
}

function commandOptions(options: RawOption[]): { subcommand?: string; leaf: RawOption[] } {
  const first = options[0];
  if (first?.type === ApplicationCommandOptionType.Subcommand) return { subcommand: first.name, leaf: first.options ?? [] };
  return { leaf: options };
}

/** Text inputs of a modal submit, by custom_id (label-wrapped or in legacy action rows); blanks are left out. */
function modalFields(components: RawComponent[]): Record<string, string> {
  const fields: Record<string, string> = {};
  const visit = (c: RawComponent) => {
    if (c.type === ComponentType.TextInput && c.custom_id && c.value?.trim()) fields[c.custom_id] = c.value;
    if (c.component) visit(c.component);
    for (const child of c.components ?? []) visit(child);
  };
  components.forEach(visit);
  return fields;
}

/**
 * The modal's action line with the submitted fields added as named options,
 * kept structured so the user's text needs no quoting. A line that does not
 * parse stays text, and dispatch answers with its usage.
 */
function withFields(registry: CommandRegistry, line: string, fields: Record<string, string>): Pick<Invocation, 'command' | 'subcommand' | 'args' | 'text'> {
  const { command, text } = splitCommandLine(line);
  try {
    const { resolved, raw } = registry.parseText(command, text);
    return { command, subcommand: resolved.subName, args: { ...raw, ...fields } };
  } catch {
    return { command, text };
  }
}
