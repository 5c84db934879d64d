import type { ArgsOf, OptionMap } from './options.js';
import type { Reply } from './reply.js';
import type { CommandContext } from './context.js';

export interface SubcommandSpec<M extends OptionMap = OptionMap> {
  description: string;
  options: M;
  /** The work may exceed a platform's 3-second deadline: acknowledge first, then edit. A function decides from the arguments. */
  slow?: boolean | ((args: ArgsOf<M>) => boolean);
  /** The reply is private to the invoking user. */
  ephemeral?: boolean;
  /** Example lines for help text. */
  examples?: string[];
  handler(ctx: CommandContext, args: ArgsOf<M>): Promise<Reply>;
}

export interface CommandSpec {
  name: string;
  description: string;
  /** Subcommands in display order; a command without subcommands has `root`. */
  subcommands?: Record<string, SubcommandSpec<any>>;
  root?: SubcommandSpec<any>;
}

/** Declares a subcommand, inferring its argument types from its options. */
export function sub<M extends OptionMap>(spec: SubcommandSpec<M>): SubcommandSpec<M> {
  return spec;
}

export function defineCommand(spec: CommandSpec): CommandSpec {
  if (!spec.root === !spec.subcommands) {
    throw new Error(`command ${spec.name} needs either subcommands or a root handler`);
  }
  return spec;
}
