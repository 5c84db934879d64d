import type {
  AllMiddlewareArgs,
  AnyMiddlewareArgs,
  App as BoltApp,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
  webApi,
} from '@slack/bolt';
import { InFlight, settleWithin } from '../../core/deadline.js';
import type { Dispatcher } from '../../core/dispatch.js';
import { AppError } from '../../core/errors.js';
import { splitCommandLine, type Identity, type Invocation } from '../../core/invocation.js';
import type { DeliveryResult } from '../../core/notifier.js';
import type { Reply } from '../../core/reply.js';
import type { KvStore } from '../../infra/kv/kv.js';
import type { Logger } from '../../infra/logger.js';
import { truncate } from '../../core/text.js';
import { postToResponseUrl, prepareMessage, storePending, uploadFilesToDm, uploadImages, type ResponseMessage } from './slack.messages.js';
import {
  BUTTON_PREFIX,
  decodeButton,
  homeView,
  MODAL_CALLBACK,
  modalCommandLine,
  modalView,
  ownerOfBlock,
  readStoredValue,
  toPlain,
  type ModalMetadata,
} from './slack.render.js';

/** Slack drops a request not acknowledged within 3 s: answer in the ack only when the reply is ready by then. */
const REPLY_BUDGET_MS = 2000;
/** Events API retries arrive within minutes; an hour of memory covers them. */
const EVENT_DEDUPE_TTL_MS = 3600_000;
/** A `response_url` takes 5 posts; the main reply uses one. */
const MAX_FOLLOW_UPS = 4;

export interface SlackAdapterDeps {
  dispatcher: Dispatcher;
  kv: KvStore;
  logger: Logger;
  /** The open quests with their buttons, for App Home. */
  homeQuests(invocation: Invocation): Promise<Reply[]>;
  /** Direct messages, for answers that have no `response_url` to go to. */
  notify(identity: Identity, reply: Reply): Promise<DeliveryResult>;
  /** Forgets a workspace's installation (OAuth mode) after `app_uninstalled` / `tokens_revoked`. */
  uninstall?(source: { teamId?: string; enterpriseId?: string }): Promise<void>;
  /** How long a command may run before its reply goes through `response_url` instead of the ack. */
  replyBudgetMs?: number;
}

interface Actor {
  teamId: string;
  userId: string;
  userName?: string;
  teamDomain?: string;
}

interface Target {
  actor: Actor;
  client: webApi.WebClient;
  responseUrl?: string;
  channelId?: string;
  /** The button sat on App Home: the answer is the refreshed home tab. */
  home?: boolean;
  /** The button sat on a message only the clicker sees. */
  originalEphemeral?: boolean;
}

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const TIMEOUT = Symbol('timeout');

/**
 * Slack payloads -> invocations -> the one dispatch path -> Block Kit. Registers
 * on a Bolt app whatever its receiver (HTTP or Socket Mode).
 */
export class SlackAdapter {
  private readonly profiles: SlackProfiles;
  private readonly inFlight = new InFlight();
  private readonly budgetMs: number;

  constructor(private readonly deps: SlackAdapterDeps) {
    this.profiles = new SlackProfiles(deps.logger);
    this.budgetMs = deps.replyBudgetMs ?? REPLY_BUDGET_MS;
  }

  register(bolt: BoltApp): void {
    bolt.use((args) => this.dedupeEvents(args));
    // One listener for every slash command: whatever `commands/index.ts` holds at dispatch time is served.
    bolt.command(/^\/.+/, (args) => this.inFlight.track(this.onCommand(args)));
    bolt.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: new RegExp(`^${BUTTON_PREFIX}`) }, (args) =>
      this.inFlight.track(this.onButton(args)),
    );
    bolt.view<ViewSubmitAction>({ callback_id: MODAL_CALLBACK, type: 'view_submission' }, (args) => this.inFlight.track(this.onModalSubmit(args)));
    bolt.event('app_home_opened', (args) => this.inFlight.track(this.onHomeOpened(args)));
    bolt.event('app_uninstalled', async ({ body }) => this.deps.uninstall?.({ teamId: body.team_id, enterpriseId: body.enterprise_id }));
    bolt.event('tokens_revoked', async ({ event, body }) => {
      if (event.tokens.bot?.length) await this.deps.uninstall?.({ teamId: body.team_id, enterpriseId: body.enterprise_id });
    });
    bolt.error(async (error) => {
      this.deps.logger.error({ err: error }, 'slack listener failed');
    });
  }

  /** Waits (bounded) for replies still being delivered. */
  async drain(timeoutMs = 5000): Promise<void> {
    await this.inFlight.drain(timeoutMs);
  }

  /** Slack retries events it thinks were lost; the first delivery of an `event_id` wins. */
  private async dedupeEvents({ body, next }: AnyMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    const envelope = body as { type?: string; event_id?: string };
    if (envelope.type === 'event_callback' && envelope.event_id) {
      const first = await this.deps.kv.setIfAbsent(`slack:event:${envelope.event_id}`, '1', EVENT_DEDUPE_TTL_MS).catch((error: unknown) => {
        // Without the store a retry may run twice; losing the event would be worse.
        this.deps.logger.warn({ err: error }, 'slack event dedupe unavailable');
        return true;
      });
      if (!first) {
        this.deps.logger.debug({ eventId: envelope.event_id }, 'slack event retry skipped');
        return;
      }
    }
    await next();
  }

  private async onCommand({ command, ack, client }: CommandArgs): Promise<void> {
    const actor: Actor = { teamId: command.team_id, userId: command.user_id, userName: command.user_name, teamDomain: command.team_domain };
    const target: Target = { actor, client, responseUrl: command.response_url, channelId: command.channel_id };
    let acked = false;
    try {
      const { work, ready } = await this.dispatchWithinBudget(invocationOf(actor, command.command.replace(/^\//, ''), command.text ?? '', 'command'), client);
      if (ready !== TIMEOUT) {
        const message = await this.responseMessage(ready, actor.userId, { response_type: ready.ephemeral ? 'ephemeral' : 'in_channel' });
        acked = true;
        await ack(message as Parameters<typeof ack>[0]);
        await this.afterReply(ready, target);
        return;
      }
      acked = true;
      await ack();
      const reply = await work;
      await postToResponseUrl(
        command.response_url,
        await this.responseMessage(reply, actor.userId, { response_type: reply.ephemeral ? 'ephemeral' : 'in_channel' }),
      );
      await this.afterReply(reply, target);
    } catch (error) {
      this.deps.logger.error({ err: error, command: command.command }, 'slack command failed');
      if (!acked) await ack({ response_type: 'ephemeral', text: 'Sorry, something went wrong on our side. Please try again.' });
    }
  }

  private async onButton({ ack, body, action, client }: ButtonArgs): Promise<void> {
    await ack();
    const actor: Actor = {
      teamId: body.user.team_id ?? body.team?.id ?? '',
      userId: body.user.id,
      userName: body.user.username ?? body.user.name,
      teamDomain: body.team?.domain,
    };
    const target: Target = {
      actor,
      client,
      responseUrl: body.response_url,
      channelId: body.channel?.id,
      home: body.container?.type === 'view' && body.view?.type === 'home',
      originalEphemeral: body.container?.is_ephemeral === true,
    };
    const owner = ownerOfBlock(action.block_id);
    if (owner && owner !== actor.userId) {
      // A button runs for whoever clicks it: on someone else's message it would act on the clicker's own #N.
      await this.deliver({ tone: 'error', ephemeral: true, text: 'These buttons belong to someone else. Run the command yourself to get your own.' }, target);
      return;
    }
    let raw: string | null;
    try {
      raw = await readStoredValue(action.value ?? '', (key) => this.deps.kv.get(key));
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'slack button value could not be loaded');
      await this.deliver({ tone: 'error', ephemeral: true, text: 'This button cannot be read right now. Run the command again.' }, target);
      return;
    }
    if (raw === null) {
      await this.deliver({ tone: 'error', ephemeral: true, text: 'This button has expired. Run the command again.' }, target);
      return;
    }
    let button: ReturnType<typeof decodeButton>;
    try {
      button = decodeButton(raw);
    } catch {
      await this.deliver({ tone: 'error', ephemeral: true, text: 'This button is not one of Questlog’s. Run the command again for fresh buttons.' }, target);
      return;
    }
    if (button.modal) {
      // The trigger_id dies 3 s after the click: open the modal before any other work.
      const metadata: ModalMetadata = { action: button.modal.action, responseUrl: target.responseUrl, home: target.home || undefined };
      const { view, pending } = modalView(button.modal, metadata);
      await storePending(this.deps.kv, pending);
      await client.views.open({ trigger_id: body.trigger_id, view });
      return;
    }
    const { command, text } = splitCommandLine(button.action);
    const invocation = await this.withProfile(invocationOf(actor, command, text, 'button'), client);
    await this.deliver(await this.deps.dispatcher.dispatch(invocation), target);
  }

  private async onModalSubmit(args: SubmitArgs): Promise<void> {
    const blocks = Object.keys(args.view.state.values);
    // Field errors show under the input they are about; others under the first input.
    const errorsFor = (field: string | undefined, message: string) => ({
      [field && blocks.includes(field) ? field : blocks[0]!]: truncate(toPlain(message), 300),
    });
    let acked = false;
    const ack: SubmitArgs['ack'] = async (response) => {
      acked = true;
      await args.ack(response);
    };
    try {
      await this.submitModal({ ...args, ack }, errorsFor);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'slack modal submission failed');
      if (!acked) await ack({ response_action: 'errors', errors: errorsFor(undefined, 'Sorry, something went wrong on our side. Please try again.') });
    }
  }

  private async submitModal(
    { ack, body, view, client }: SubmitArgs,
    errorsFor: (field: string | undefined, message: string) => Record<string, string>,
  ): Promise<void> {
    const actor: Actor = { teamId: body.user.team_id ?? body.team?.id ?? '', userId: body.user.id, userName: body.user.name, teamDomain: body.team?.domain };
    const stored = await readStoredValue(view.private_metadata, (key) => this.deps.kv.get(key));
    if (stored === null) {
      await ack({ response_action: 'errors', errors: errorsFor(undefined, 'This form expired. Close it and open it again.') });
      return;
    }
    let metadata: ModalMetadata;
    try {
      metadata = JSON.parse(stored) as ModalMetadata;
      if (typeof metadata?.action !== 'string') throw new TypeError('no action');
    } catch {
      await ack({ response_action: 'errors', errors: errorsFor(undefined, 'This form is not one of Questlog’s. Close it and run the command again.') });
      return;
    }
    const values = Object.fromEntries(Object.entries(view.state.values).map(([block, inputs]) => [block, inputs.value?.value ?? undefined]));
    const { command, text } = splitCommandLine(modalCommandLine(metadata.action, values));
    const base = invocationOf(actor, command, text, 'modal');
    try {
      this.deps.dispatcher.prepare(base);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await ack({ response_action: 'errors', errors: errorsFor(error.details.field, error.message) });
      return;
    }
    const { work, ready } = await this.dispatchWithinBudget(base, client);
    if (ready !== TIMEOUT && ready.tone === 'error') {
      await ack({ response_action: 'errors', errors: errorsFor(undefined, ready.text ?? 'That did not work.') });
      return;
    }
    await ack();
    const target: Target = { actor, client, responseUrl: metadata.responseUrl, home: metadata.home };
    await this.deliver(ready === TIMEOUT ? await work : ready, target);
  }

  private async onHomeOpened({ event, body, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> {
    if (event.tab !== 'home') return;
    await this.publishHome({ teamId: body.team_id, userId: event.user }, client);
  }

  /** Level, progress and streaks (`/profile` once it exists), then the open quests with their buttons. */
  private async publishHome(actor: Actor, client: webApi.WebClient, banner?: Reply): Promise<void> {
    const invocation = await this.withProfile(invocationOf(actor, 'profile', '', 'command'), client);
    const sections: Reply[] = banner ? [banner] : [];
    if (this.deps.dispatcher.registry.get('profile')) {
      const profile = await this.deps.dispatcher.dispatch(invocation);
      if (profile.tone !== 'error') sections.push({ ...profile, followUps: undefined });
    }
    sections.push(...(await this.deps.homeQuests(invocation)));
    const { view, pending } = homeView(sections, actor.userId);
    await storePending(this.deps.kv, pending);
    await client.views.publish({ user_id: actor.userId, view });
  }

  /**
   * Answers a button or modal. A success replaces the message the button sat on
   * (only its owner can click it); errors, and private replies to public
   * messages, go to the clicker alone.
   */
  private async deliver(reply: Reply, target: Target): Promise<void> {
    if (target.home) return this.publishHome(target.actor, target.client, reply);
    if (target.responseUrl) {
      const replace = reply.tone !== 'error' && (!reply.ephemeral || target.originalEphemeral === true);
      const extra: Partial<ResponseMessage> = replace ? { replace_original: true } : { response_type: 'ephemeral', replace_original: false };
      await postToResponseUrl(target.responseUrl, await this.responseMessage(reply, target.actor.userId, extra));
      await this.afterReply(reply, target);
      return;
    }
    const delivery = await this.deps.notify(identityOf(target.actor), reply);
    if (!delivery.delivered) this.deps.logger.warn({ delivery, user: target.actor.userId }, 'slack reply could not be delivered by DM');
  }

  /** Images as uploads to the channel, then the follow-ups (level-ups, achievements). */
  private async afterReply(reply: Reply, target: Target): Promise<void> {
    if (reply.images?.length && !reply.ephemeral && target.channelId) {
      try {
        await uploadImages(target.client, target.channelId, reply.images);
      } catch (error) {
        this.deps.logger.warn({ err: error, channel: target.channelId }, 'slack image upload failed');
        if (target.responseUrl) {
          await postToResponseUrl(target.responseUrl, {
            response_type: 'ephemeral',
            replace_original: false,
            text: '🖼️ The image could not be attached here. Invite Questlog to this channel, or run the command in a DM with it.',
          });
        }
      }
    }
    if (reply.files?.length) {
      try {
        await uploadFilesToDm(target.client, target.actor.userId, reply.files);
      } catch (error) {
        this.deps.logger.warn({ err: error, user: target.actor.userId }, 'slack file upload failed');
        if (target.responseUrl) {
          await postToResponseUrl(target.responseUrl, {
            response_type: 'ephemeral',
            replace_original: false,
            text: '📎 The file could not be sent to your direct messages. Check that Questlog may message you, then try again.',
          });
        }
      }
    }
    if (!target.responseUrl) return;
    for (const followUp of (reply.followUps ?? []).slice(0, MAX_FOLLOW_UPS)) {
      const ephemeral = followUp.ephemeral ?? reply.ephemeral;
      await postToResponseUrl(
        target.responseUrl,
        await this.responseMessage(followUp, target.actor.userId, { response_type: ephemeral ? 'ephemeral' : 'in_channel', replace_original: false }),
      );
    }
  }

  private async responseMessage(reply: Reply, owner: string, extra: Partial<ResponseMessage>): Promise<ResponseMessage> {
    const { text, blocks } = await prepareMessage(this.deps.kv, reply, { owner, images: reply.ephemeral ? 'omit' : 'upload' });
    return { text, blocks, ...extra };
  }

  /**
   * Starts the dispatch and waits for it while its reply can still go in the ack;
   * slow commands are not waited for at all.
   */
  private async dispatchWithinBudget(base: Invocation, client: webApi.WebClient): Promise<{ work: Promise<Reply>; ready: Reply | typeof TIMEOUT }> {
    const work = this.withProfile(base, client).then((invocation) => this.deps.dispatcher.dispatch(invocation));
    return { work, ready: this.deps.dispatcher.describe(base).slow ? TIMEOUT : await settleWithin(work, this.budgetMs, TIMEOUT) };
  }

  /** Adds what Slack knows about the user: display name, and the time zone applied on first contact. */
  private async withProfile(invocation: Invocation, client: webApi.WebClient): Promise<Invocation> {
    const profile = await this.profiles.get(client, invocation.identity.scope, invocation.identity.platformUserId);
    return {
      ...invocation,
      identity: { ...invocation.identity, displayName: profile.displayName ?? invocation.identity.displayName },
      hints: profile.timezone ? { timezone: profile.timezone } : undefined,
    };
  }
}

/** A Slack user is `(team_id, user_id)`; the workspace is the space. */
function identityOf(actor: Actor): Identity {
  return { platform: 'slack', scope: actor.teamId, platformUserId: actor.userId, displayName: actor.userName };
}

function invocationOf(actor: Actor, command: string, text: string, source: Invocation['source']): Invocation {
  return {
    identity: identityOf(actor),
    space: { platform: 'slack', externalId: actor.teamId, name: actor.teamDomain },
    command,
    text,
    source,
  };
}

interface SlackProfile {
  timezone?: string;
  displayName?: string;
}

const PROFILE_TTL_MS = 24 * 3600_000;
const PROFILE_FAILURE_TTL_MS = 10 * 60_000;
const PROFILE_WAIT_MS = 1000;
const PROFILE_LIMIT = 50_000;

/**
 * `users.info` per user, remembered for a day: the time zone only matters on
 * first contact, so commands do not wait on Slack every time.
 */
class SlackProfiles {
  private readonly entries = new Map<string, { profile: SlackProfile; expires: number }>();
  private readonly loading = new Map<string, Promise<SlackProfile>>();

  constructor(private readonly logger: Logger) {}

  async get(client: webApi.WebClient, teamId: string, userId: string): Promise<SlackProfile> {
    const key = `${teamId}:${userId}`;
    const hit = this.entries.get(key);
    if (hit && hit.expires > Date.now()) return hit.profile;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(client, key, userId).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    // A slow Slack must not eat the command's 3 seconds: go on without the hints, and
    // let this user's next commands skip the wait until the lookup finishes.
    const profile = await settleWithin(pending, PROFILE_WAIT_MS, TIMEOUT);
    if (profile !== TIMEOUT) return profile;
    const current = this.entries.get(key);
    if (!current || current.expires <= Date.now()) this.remember(key, {}, PROFILE_FAILURE_TTL_MS);
    return {};
  }

  private async load(client: webApi.WebClient, key: string, userId: string): Promise<SlackProfile> {
    let profile: SlackProfile = {};
    let ttl = PROFILE_TTL_MS;
    try {
      const { user } = await client.users.info({ user: userId });
      profile = { timezone: user?.tz, displayName: user?.profile?.display_name || user?.real_name || user?.name || undefined };
    } catch (error) {
      this.logger.warn({ err: error, user: userId }, 'slack users.info failed');
      ttl = PROFILE_FAILURE_TTL_MS;
    }
    this.remember(key, profile, ttl);
    return profile;
  }

  private remember(key: string, profile: SlackProfile, ttlMs: number): void {
    if (this.entries.size >= PROFILE_LIMIT) this.entries.clear();
    this.entries.set(key, { profile, expires: Date.now() + ttlMs });
  }
}
