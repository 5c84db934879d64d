import { defineMessages, type Message, type MessageParams } from './messages.js';

/**
 * Typed application errors with stable codes (`quest.not_found`) and
 * parameters; the sentence comes from the feature's message catalog. Dispatch
 * turns them into ephemeral replies in one place; anything else becomes an
 * apology with a correlation id.
 */
export class AppError extends Error {
  readonly code: string;
  readonly params: MessageParams;

  constructor(
    message: Message,
    readonly details: { usage?: string; field?: string } = {},
  ) {
    super(message.text);
    this.name = new.target.name;
    this.code = message.code;
    this.params = message.params;
  }
}

/** A plain sentence as a message; only for wordings that have no catalog entry yet. */
export function plain(text: string, code = 'core.free_text'): Message {
  return { code, params: { text }, text };
}

/** Bad input: names the option and what is allowed. */
export class ValidationError extends AppError {}

/** Missing, or owned by someone else: the two are indistinguishable on purpose. */
export class NotFoundError extends AppError {}

/** The request is understood but the current state refuses it (status moves, blockers). */
export class ConflictError extends AppError {}

export class UnknownCommandError extends AppError {}

/** Wordings of the command framework itself (grammar, options, registry). */
export const coreMessages = defineMessages('core', {
  option_invalid: (p: { option: string; problem: string }) => `\`${p.option}\` ${p.problem}.`,
  option_missing: (p: { option: string; description: string }) => `Missing required option \`${p.option}\` (${p.description}).`,
  option_twice: (p: { option: string }) => `Option \`${p.option}\` is given twice.`,
  option_empty: (p: { option: string; expected: string }) => `\`${p.option}:\` has no value: give one (${p.expected}) or leave the option out.`,
  unterminated_quote: (p: { quote: string; fragment: string; option?: string }) =>
    `The quote ${p.quote} before \`${p.fragment}\`${p.option ? ` (option \`${p.option}\`)` : ''} is never closed: close it, or remove it.`,
  unexpected_text: (p: { text: string }) => `Unexpected \`${p.text}\`: quote text with spaces, or name the option (\`name:value\`).`,
  free_text: (p: { text: string }) => p.text,
  no_such_option: (p: { command: string; option: string; guess?: string }) =>
    `\`/${p.command}\` has no option \`${p.option}\`.${p.guess ? ` Did you mean \`${p.guess}\`?` : ''}`,
  unknown_command: (p: { command: string; guess?: string }) => `Unknown command \`/${p.command}\`.${p.guess ? ` Did you mean \`/${p.guess}\`?` : ''}`,
  unknown_subcommand: (p: { command: string; sub: string; guess?: string }) =>
    `Unknown subcommand \`/${p.command} ${p.sub}\`.${p.guess ? ` Did you mean \`/${p.command} ${p.guess}\`?` : ''}`,
  needs_subcommand: (p: { command: string; subs: readonly string[] }) => `\`/${p.command}\` needs a subcommand: ${p.subs.join(', ')}.`,
  no_help: (p: { command: string }) => `No command \`/${p.command}\`. See \`/questlog help\` for the list.`,
});
