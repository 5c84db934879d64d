import type { IncomingMessage } from 'node:http';
import {
  DiscordAPIError,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  Routes,
  type APIInteraction,
  type APIInteractionResponse,
  type REST,
} from 'discord.js';
import { InFlight } from '../../core/deadline.js';
import type { KvStore } from '../../infra/kv/kv.js';
import { json, readBody, type HttpServer } from '../../infra/http/server.js';
import { verifyDiscordSignature } from './discord-signature.js';
import { handleInteraction, type DiscordResponder, type InteractionDeps } from './discord.interaction.js';
import { restMessage, type DiscordMessage } from './discord.render.js';

const INTERACTIONS_PATH = '/discord/interactions';
/** Signed requests older (or further ahead) than this are refused: a captured request cannot be replayed later. */
const MAX_SKEW_S = 5 * 60;
/** Longer than the signature window, so every replay that passes the signature check is still remembered. */
const SEEN_TTL_MS = 15 * 60_000;
const DRAIN_MS = 10_000;
/** Interactions are a few kilobytes; modal submissions with long text stay far below this. */
const MAX_BODY_BYTES = 256 * 1024;
/** Discord ids are snowflakes and interaction tokens a few hundred characters. */
const MAX_ID = 64;
const MAX_TOKEN = 1000;

export interface HttpInteractionsOptions {
  http: HttpServer;
  publicKey: string;
  applicationId: string;
  /** For webhook edits and follow-ups (interaction tokens need no bot token). */
  rest: REST;
  kv: KvStore;
  deps: InteractionDeps;
  now?: () => number;
}

/**
 * HTTP interactions mode: `POST /discord/interactions` verifies Discord's
 * Ed25519 signature, answers PING, and handles each interaction once. Fast
 * answers go in the HTTP response; slow ones answer type 5/6 and edit
 * `@original` over REST afterwards.
 */
export function mountHttpInteractions(options: HttpInteractionsOptions): { stop(): Promise<void> } {
  const { publicKey, applicationId, rest, kv, deps } = options;
  const now = options.now ?? Date.now;
  const inflight = new InFlight();
  let stopped = false;

  options.http.route('POST', INTERACTIONS_PATH, async (req, res) => {
    const arrivedAt = performance.now();
    if (stopped) return json(res, 503, { error: 'shutting down' });
    const body = await readBody(req, MAX_BODY_BYTES);
    const signature = header(req, 'x-signature-ed25519');
    const timestamp = header(req, 'x-signature-timestamp');
    if (!fresh(timestamp, now()) || !verifyDiscordSignature(publicKey, signature, timestamp, body)) {
      return json(res, 401, { error: 'invalid request signature' });
    }
    let payload: APIInteraction;
    try {
      payload = JSON.parse(body.toString('utf8')) as APIInteraction;
    } catch {
      return json(res, 400, { error: 'body is not JSON' });
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return json(res, 400, { error: 'not an interaction' });
    if (payload.type === InteractionType.Ping) return json(res, 200, { type: InteractionResponseType.Pong });
    if (typeof payload.id !== 'string' || typeof payload.token !== 'string') return json(res, 400, { error: 'not an interaction' });
    if (!/^\d{1,64}$/.test(payload.id) || payload.id.length > MAX_ID || payload.token.length > MAX_TOKEN) {
      return json(res, 400, { error: 'interaction id or token malformed' });
    }
    const raw = payload as unknown as { member?: { user?: { id?: unknown } }; user?: { id?: unknown }; guild_id?: unknown; channel_id?: unknown };
    for (const [field, value] of [
      ['user id', raw.member?.user?.id ?? raw.user?.id],
      ['guild_id', raw.guild_id],
      ['channel_id', raw.channel_id],
    ] as const) {
      if (value !== undefined && (typeof value !== 'string' || !/^\d{1,64}$/.test(value))) return json(res, 400, { error: `${field} malformed` });
    }
    if (!(await firstDelivery(kv, payload.id, deps))) return json(res, 409, { error: 'interaction already handled' });

    const responder = new HttpResponder(rest, applicationId, payload.token);
    const work = handleInteraction(deps, payload, responder, arrivedAt)
      .catch((error: unknown) => deps.logger.error({ err: error, interaction: payload.id }, 'discord interaction failed'))
      .finally(() => responder.abandon());
    void inflight.track(work);
    const initial = await responder.initial;
    if (!initial) return json(res, 500, { error: 'the interaction was not answered' });
    // 'close' also covers a caller that went away: later edits then fail and are logged, not stuck.
    res.once('finish', () => responder.delivered());
    res.once('close', () => responder.delivered());
    json(res, 200, initial);
  });

  return {
    async stop() {
      stopped = true;
      await inflight.drain(DRAIN_MS);
    },
  };
}

/** Marks the interaction as seen; false for a replay. Without the store, handling beats refusing. */
async function firstDelivery(kv: KvStore, id: string, deps: InteractionDeps): Promise<boolean> {
  try {
    return await kv.setIfAbsent(`discord:interaction:${id}`, '1', SEEN_TTL_MS);
  } catch (error) {
    deps.logger.warn({ err: error, interaction: id }, 'interaction dedupe unavailable');
    return true;
  }
}

function fresh(timestamp: string | undefined, nowMs: number): timestamp is string {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(nowMs / 1000 - Number(timestamp)) <= MAX_SKEW_S;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The first answer becomes the HTTP response; later ones use the interaction
 * token over REST once that response is out. Messages with files cannot ride
 * in the HTTP response, so they defer and edit.
 */
class HttpResponder implements DiscordResponder {
  readonly initial: Promise<APIInteractionResponse | null>;
  private settle!: (response: APIInteractionResponse | null) => void;
  private answered = false;
  private readonly sent: Promise<void>;
  private markSent!: () => void;

  constructor(
    private readonly rest: REST,
    private readonly applicationId: string,
    private readonly token: string,
  ) {
    this.initial = new Promise((resolve) => (this.settle = resolve));
    this.sent = new Promise((resolve) => (this.markSent = resolve));
  }

  /** The HTTP response has been written. */
  delivered(): void {
    this.markSent();
  }

  /** The handler ended without answering. */
  abandon(): void {
    if (!this.answered) this.answer(null);
  }

  async reply(message: DiscordMessage): Promise<void> {
    if (message.files.length) {
      await this.deferReply(message.ephemeral);
      return this.editReply(message);
    }
    this.answer({ type: InteractionResponseType.ChannelMessageWithSource, data: restMessage(message).body });
  }

  async update(message: DiscordMessage): Promise<void> {
    if (message.files.length) {
      await this.deferUpdate();
      return this.editReply(message);
    }
    this.answer({ type: InteractionResponseType.UpdateMessage, data: restMessage(message, { edit: true }).body });
  }

  async deferReply(ephemeral: boolean): Promise<void> {
    this.answer({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: ephemeral ? { flags: MessageFlags.Ephemeral } : {} });
  }

  async deferUpdate(): Promise<void> {
    this.answer({ type: InteractionResponseType.DeferredMessageUpdate });
  }

  async editReply(message: DiscordMessage): Promise<void> {
    await this.webhook(() =>
      this.rest.patch(Routes.webhookMessage(this.applicationId, this.token, '@original'), { ...restMessage(message, { edit: true }), auth: false }),
    );
  }

  async followUp(message: DiscordMessage): Promise<void> {
    await this.webhook(() => this.rest.post(Routes.webhook(this.applicationId, this.token), { ...restMessage(message), auth: false }));
  }

  async deleteReply(): Promise<void> {
    await this.webhook(() => this.rest.delete(Routes.webhookMessage(this.applicationId, this.token, '@original'), { auth: false }));
  }

  async showModal(modal: Parameters<DiscordResponder['showModal']>[0]): Promise<void> {
    this.answer({ type: InteractionResponseType.Modal, data: modal });
  }

  async autocomplete(choices: Parameters<DiscordResponder['autocomplete']>[0]): Promise<void> {
    this.answer({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } });
  }

  private answer(response: APIInteractionResponse | null): void {
    if (this.answered) throw new Error('the interaction has already been answered');
    this.answered = true;
    this.settle(response);
  }

  /**
   * Discord may not have taken in the HTTP response yet when the first webhook
   * call arrives (10015 Unknown Webhook): retry briefly rather than lose the answer.
   */
  private async webhook(call: () => Promise<unknown>): Promise<void> {
    if (!this.answered) throw new Error('edit before the interaction was answered');
    await this.sent;
    for (let attempt = 1; ; attempt++) {
      try {
        await call();
        return;
      } catch (error) {
        if (!(error instanceof DiscordAPIError && error.code === 10015) || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }
}
