/** Who is acting, where, and what they asked for: the platform-neutral input of dispatch. */

export type Platform = 'console' | 'discord' | 'slack';

export interface Identity {
  platform: Platform;
  /** Slack team id; empty for Discord (global user ids) and `local` for the console. */
  scope: string;
  platformUserId: string;
  displayName?: string;
}

/** A Discord guild, a Slack workspace or the console: where leaderboards live. */
export interface SpaceRef {
  platform: Platform;
  externalId: string;
  name?: string;
}

export interface Invocation {
  identity: Identity;
  space?: SpaceRef;
  command: string;
  /** Structured input (Discord options). */
  subcommand?: string;
  args?: Record<string, unknown>;
  /** Text input after the command name, in the text grammar (console, Slack, buttons). */
  text?: string;
  source: 'command' | 'button' | 'modal';
  /** Facts the platform knows about the user, applied on first contact (Slack `tz`). */
  hints?: { timezone?: string; locale?: string };
}

/** Splits an action line (`quest complete #12`) into command name and the rest. */
export function splitCommandLine(line: string): { command: string; text: string } {
  const trimmed = line.trim().replace(/^\//, '');
  const space = trimmed.search(/\s/);
  if (space === -1) return { command: trimmed.toLowerCase(), text: '' };
  return { command: trimmed.slice(0, space).toLowerCase(), text: trimmed.slice(space + 1).trim() };
}
