import { InteractionType, type APIApplicationCommandOptionChoice, type APIInteraction, type APIModalInteractionResponseCallbackData } from 'discord.js';
import { settleWithin } from '../../core/deadline.js';
import type { Dispatcher } from '../../core/dispatch.js';
import type { Invocation } from '../../core/invocation.js';
import type { Reply } from '../../core/reply.js';
import type { Logger } from '../../infra/logger.js';
import type { DiscordCustomIds } from './discord.custom-id.js';
import { readInteraction, type DiscordInput } from './discord.invocation.js';
import { renderMessage, renderModal, type DiscordMessage } from './discord.render.js';

/**
 * The ways to answer one interaction, implemented by the gateway (discord.js
 * interaction methods) and the HTTP endpoint (the HTTP response, then REST).
 * Whichever of reply, update, the defers, showModal or autocomplete comes first
 * is the initial response.
 */
export interface DiscordResponder {
  /** Type 4: a new message. */
  reply(message: DiscordMessage): Promise<void>;
  /** Type 7: replace the message the component is on. */
  update(message: DiscordMessage): Promise<void>;
  /** Type 5: "thinking…", public or ephemeral (fixed now, kept by the edit). */
  deferReply(ephemeral: boolean): Promise<void>;
  /** Type 6: acknowledge a click; the edit replaces the message it is on. */
  deferUpdate(): Promise<void>;
  /** PATCH `@original`. */
  editReply(message: DiscordMessage): Promise<void>;
  followUp(message: DiscordMessage): Promise<void>;
  deleteReply(): Promise<void>;
  /** Type 9. */
  showModal(modal: APIModalInteractionResponseCallbackData): Promise<void>;
  /** Type 8. */
  autocomplete(choices: APIApplicationCommandOptionChoice[]): Promise<void>;
}

export interface InteractionDeps {
  dispatcher: Pick<Dispatcher, 'dispatch' | 'describe' | 'autocomplete' | 'registry'>;
  ids: DiscordCustomIds;
  logger: Logger;
}

/** Defer when the command has not finished by then: Discord drops initial answers after 3 s. */
const DEFER_AFTER_MS = 2000;
const MAX_CHOICES = 25;

const EXPIRED: Reply = { tone: 'error', ephemeral: true, text: 'This button has expired. Run the command again for fresh buttons.' };
const FOREIGN: Reply = {
  tone: 'error',
  ephemeral: true,
  text: 'Not found among your quests: these buttons belong to someone else’s message. Run the command yourself, e.g. `/quest list`.',
};
const UNREADABLE: Reply = { tone: 'error', ephemeral: true, text: 'Sorry, something went wrong on our side. Please try again in a moment.' };
const UNSUPPORTED: Reply = { tone: 'error', ephemeral: true, text: 'Questlog does not handle this kind of interaction.' };

/**
 * Answers one interaction through the one dispatch path, inside Discord's deadline.
 * `arrivedAt` (a `performance.now()` time) is when the request arrived: the defer
 * timer runs from then, whatever the store lookups before this call cost.
 */
export async function handleInteraction(
  deps: InteractionDeps,
  payload: APIInteraction,
  responder: DiscordResponder,
  arrivedAt = performance.now(),
): Promise<void> {
  const deadline = arrivedAt + DEFER_AFTER_MS;
  let input: DiscordInput;
  try {
    input = await readInteraction(payload, deps.dispatcher.registry, deps.ids);
  } catch (error) {
    deps.logger.error({ err: error, interaction: payload.id }, 'could not read the interaction');
    if (payload.type === InteractionType.ApplicationCommandAutocomplete) return responder.autocomplete([]);
    return responder.reply(await renderMessage(UNREADABLE, deps.ids));
  }
  switch (input.kind) {
    case 'autocomplete': {
      const choices = await withDeadline(deps.dispatcher.autocomplete(input.invocation, input.focused, input.partial), deadline, []);
      return responder.autocomplete(choices.slice(0, MAX_CHOICES));
    }
    case 'modal':
      return responder.showModal(await renderModal(input.modal, deps.ids));
    case 'expired':
      return responder.reply(await renderMessage(EXPIRED, deps.ids));
    case 'foreign':
      return responder.reply(await renderMessage(FOREIGN, deps.ids));
    case 'unsupported':
      return responder.reply(await renderMessage(UNSUPPORTED, deps.ids));
    case 'run':
      return run(deps, input.invocation, input.update, responder, deadline);
  }
}

/**
 * Answers directly when the command is done in time; otherwise (or when the
 * spec says it is slow) defers first, ephemeral as the reply will be, then
 * edits. A click on one's own message replaces it, unless the answer is private.
 */
async function run(deps: InteractionDeps, invocation: Invocation, update: boolean, responder: DiscordResponder, deadline: number): Promise<void> {
  const { slow, ephemeral } = deps.dispatcher.describe(invocation);
  const dispatched = deps.dispatcher.dispatch(invocation);
  // Rendering stores button payloads in the kv store: it counts against the deadline too.
  const pending = dispatched.then(async (reply) => ({ reply, message: await renderMessage(reply, deps.ids, deps.logger) }));
  let deferred: 'no' | 'reply' | 'update' = 'no';
  const defer = async () => {
    if (update && !ephemeral) {
      deferred = 'update';
      await responder.deferUpdate();
    } else {
      deferred = 'reply';
      await responder.deferReply(ephemeral);
    }
  };
  if (slow) await defer();
  else if (
    (await withDeadline(
      pending.then(() => true),
      deadline,
      false,
    )) === false
  )
    await defer();

  const { reply, message } = await pending;
  if (deferred === 'no') {
    await (update && !reply.ephemeral ? responder.update(message) : responder.reply(message));
  } else if (reply.ephemeral && !ephemeral) {
    // A private answer after a public "thinking…": drop the placeholder, answer privately.
    if (deferred === 'reply') await responder.deleteReply();
    await responder.followUp(message);
  } else {
    await responder.editReply(message);
  }
  for (const followUp of reply.followUps ?? []) {
    await responder.followUp(await renderMessage(followUp, deps.ids, deps.logger));
  }
}

/** The promise's value, or `fallback` if it is not settled by `deadline` (a `performance.now()` time). */
function withDeadline<T>(promise: Promise<T>, deadline: number, fallback: T): Promise<T> {
  return settleWithin(promise, deadline - performance.now(), fallback);
}
