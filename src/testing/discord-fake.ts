/**
 * A local stand-in for Discord's REST API (v10) and gateway, good enough to drive the REAL
 * discord.js client in tests. Everything listens on 127.0.0.1 only.
 *
 *   const fake = await DiscordFake.start();
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
 *   await client.login('fake-token');            // GET /v10/gateway/bot -> ws HELLO/IDENTIFY/READY
 *   const { id } = fake.chatInput({ userId: '42', guildId: '7', name: 'ping' });
 *   await fake.waitFor((r) => r.path === `/interactions/${id}/...`);
 *
 * One node:http server answers REST under `/v10/...`; a `ws` server on the same port is
 * the gateway (discord.js connects to `${url}?v=10&encoding=json`; compression is not
 * supported, which is fine as long as `zlib-sync` is not installed).
 *
 * Every HTTP request is recorded (`requests`), including failures and unknown routes.
 * `path` in a record is the route WITHOUT the `/v10` prefix and without the query string,
 * e.g. `/channels/123/messages`.
 *
 * Discord rules enforced:
 * - interaction callbacks: one per interaction (second -> 400 code 40060), within 3 s of the
 *   dispatch (later -> 404 code 10062); callback type must fit the interaction type; modal
 *   title <= 45, custom_id 1-100; autocomplete <= 25 choices; content <= 2000; empty
 *   messages -> 400 code 50006. Validation failures are 400 code 50035 ("Invalid Form
 *   Body", `errors` shaped like Discord's but not byte-identical).
 * - webhook (interaction token) routes: unknown token -> 404 10015; expired (15 min) -> 401
 *   50027; follow-ups before the interaction was acknowledged -> 404 10015; @original before
 *   any message exists -> 404 10008.
 * - routes that need `Authorization: Bot <token>` answer 401 without it (and with a wrong
 *   token when `start({ token })` was given).
 * Gateway: HELLO, IDENTIFY -> READY (empty guild list, so discord.js is ready at once),
 * heartbeat -> ACK, RESUME of a known session -> RESUMED (nothing is replayed), unknown
 * session -> op 9 (d: false).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** Loosely typed Discord JSON (tests read nested fields freely). */
export type JsonObject = Record<string, any>;

export interface FakeFile {
  /** Form field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType?: string;
  data: Buffer;
}

export interface RecordedRequest {
  seq: number;
  at: number;
  method: string;
  /** Full request URL as received (path + query). */
  url: string;
  /** Route without the `/v10` prefix and without the query, percent-decoded, e.g. `/webhooks/1/tok/messages/@original`. */
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body, or the `payload_json` part of a multipart body, else undefined. */
  body: any;
  /** File parts of a multipart body (empty otherwise). */
  files: FakeFile[];
  rawBody: Buffer;
  status: number;
  response: any;
}

export interface RecordedCallback {
  interactionId: string;
  token: string;
  type: number;
  data: any;
  files: FakeFile[];
  /** HTTP status the fake answered with. */
  status: number;
  /** True for the one callback that acknowledged the interaction. */
  accepted: boolean;
  /** Discord error code when rejected (40060, 10062, 50035, ...). */
  errorCode?: number;
  /** True when recorded through `recordHttpResponse` (HTTP-interactions flow), not REST. */
  viaHttp?: boolean;
  at: number;
}

export interface DeliveredMessage {
  id: string;
  channelId: string;
  /** Recipient user id when the channel is a DM channel. */
  recipientId?: string;
  /** The request body (JSON or payload_json) that created it. */
  body: any;
  files: FakeFile[];
  /** The message object as returned to the client (kept current with edits). */
  message: JsonObject;
  deleted: boolean;
  at: number;
}

export interface FakeUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
  [key: string]: unknown;
}

export interface DiscordFakeOptions {
  /**
   * Discord's global limit in requests per second over bot-token routes (sliding
   * one-second window; Discord: 50). Over it: 429 with `global: true` and
   * `retry_after`, counted in `globalRateLimited`. Unset: no limit.
   */
  globalRateLimit?: number;
  applicationId?: string;
  botUserId?: string;
  botUsername?: string;
  /** When set, REST and IDENTIFY must use this token (else 401 / close 4004). */
  token?: string;
  /** Included as `verify_key` in GET /applications/@me. */
  publicKeyHex?: string;
  /** Initial-response deadline (Discord: 3000 ms). */
  callbackDeadlineMs?: number;
  /** Interaction token lifetime for webhooks (Discord: 15 min). */
  tokenLifetimeMs?: number;
  /** HELLO heartbeat_interval (Discord: 41250). */
  heartbeatIntervalMs?: number;
}

export type OptionValue = string | number | boolean;

/** Discord's command option structure (`{ name, type, value }`, nested for subcommands). */
export interface ApiCommandOption {
  name: string;
  type: number;
  value?: OptionValue;
  focused?: boolean;
  options?: ApiCommandOption[];
}

/** Common fields for the interaction builders. Without `guildId` the interaction is a bot DM. */
export interface InteractionContextInit {
  userId: string;
  guildId?: string;
  channelId?: string;
  locale?: string;
  /** Member permissions (string bitfield) in guilds. */
  permissions?: string;
  roles?: string[];
  appPermissions?: string;
}

export interface InteractionInit extends Partial<InteractionContextInit> {
  /** 1 ping, 2 application command, 3 component, 4 autocomplete, 5 modal submit. */
  type: number;
  data?: JsonObject;
  /** The message a component / modal interaction came from. */
  message?: JsonObject;
  /** Extra top-level fields merged into the payload last. */
  extra?: JsonObject;
}

export interface DispatchedInteraction {
  id: string;
  token: string;
  payload: JsonObject;
  /** Number of gateway sessions it was sent to (0 for `buildInteraction`). */
  sentTo: number;
}

export interface ChatInputInit extends InteractionContextInit {
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  /** Record (types inferred: string 3, integer 4, number 10, boolean 5) or explicit options. */
  options?: Record<string, OptionValue> | ApiCommandOption[];
  /** Explicit option types for record options, e.g. `{ target: 6 }` for a USER option. */
  optionTypes?: Record<string, number>;
  /** `data.resolved`; USER (6) options get `resolved.users` (and members in guilds) automatically. */
  resolved?: JsonObject;
  commandId?: string;
}

export interface AutocompleteInit extends ChatInputInit {
  /** Name of the focused option (its value is usually the partial text typed so far). */
  focused: string;
}

export interface ButtonInit extends InteractionContextInit {
  customId: string;
  /** Partial message the button is on (merged into a realistic bot message). */
  message?: JsonObject;
}

export interface ModalSubmitInit extends InteractionContextInit {
  customId: string;
  fields: Record<string, string>;
  /** `label` (type 18 wrapping a text input, discord.js >= 14.22) or legacy `actionRow`. Default `label`. */
  shape?: 'label' | 'actionRow';
  /** Set when the modal was opened from a component: the message it came from. */
  message?: JsonObject;
}

interface InteractionState {
  id: string;
  token: string;
  type: number;
  payload: JsonObject;
  createdAt: number;
  channelId: string;
  guildId?: string;
  acknowledged?: { type: number; data: any };
  originalMessageId?: string;
  sourceMessageId?: string;
}

interface ChannelState {
  id: string;
  type: number;
  guildId?: string;
  recipientId?: string;
  name?: string;
}

interface GatewaySession {
  ws: WebSocket;
  identified: boolean;
  sessionId?: string;
  intents?: number;
}

interface ApiError {
  status: number;
  body: JsonObject;
}

interface Ctx {
  req: http.IncomingMessage;
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  files: FakeFile[];
  params: string[];
}

interface Reply {
  status: number;
  body?: any;
  headers?: Record<string, string>;
}

type Handler = (ctx: Ctx) => Reply;

interface Route {
  method: string;
  pattern: RegExp;
  auth: boolean;
  handler: Handler;
}

const DISCORD_EPOCH = 1420070400000n;
let snowflakeIncrement = 0n;

/** A realistic, unique Discord snowflake for "now". */
export function fakeSnowflake(at: number = Date.now()): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

const DEFAULT_MEMBER_PERMISSIONS = '2248473465835073';
const DEFAULT_APP_PERMISSIONS = '2248473465835073';
const MESSAGE_FLAG_EPHEMERAL = 64;
const MESSAGE_FLAG_LOADING = 128;
const MESSAGE_FLAG_COMPONENTS_V2 = 32768;
const COMMAND_NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Allowed callback types per interaction type. */
const CALLBACK_TYPES: Record<number, number[]> = {
  1: [1],
  2: [4, 5, 9, 12],
  3: [4, 5, 6, 7, 9, 12],
  4: [8],
  5: [4, 5, 6, 7],
};

function apiError(status: number, code: number, message: string, errors?: JsonObject): ApiError {
  return { status, body: errors ? { message, code, errors } : { message, code } };
}

function formError(path: string, code: string, message: string): ApiError {
  const errors: JsonObject = {};
  let cursor = errors;
  const parts = path.split('.');
  parts.forEach((part, i) => {
    if (i === parts.length - 1) cursor[part] = { _errors: [{ code, message }] };
    else cursor = cursor[part] = {};
  });
  return apiError(400, 50035, 'Invalid Form Body', errors);
}

function inferOptionType(value: OptionValue): number {
  if (typeof value === 'boolean') return 5;
  if (typeof value === 'number') return Number.isInteger(value) ? 4 : 10;
  return 3;
}

/** Splits a multipart/form-data body into parts. */
function parseMultipart(raw: Buffer, contentType: string): { fields: Record<string, string>; files: FakeFile[] } {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const fields: Record<string, string> = {};
  const files: FakeFile[] = [];
  if (!match) return { fields, files };
  const delimiter = Buffer.from(`--${match[1] ?? match[2]}`);
  let pos = raw.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    if (raw.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = raw.indexOf(delimiter, start);
    if (next === -1) break;
    let part = raw.subarray(start, next);
    if (part.subarray(part.length - 2).toString() === '\r\n') part = part.subarray(0, part.length - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headerText = part.subarray(0, headerEnd).toString('utf8');
      const content = part.subarray(headerEnd + 4);
      const name = /name="([^"]*)"/i.exec(headerText)?.[1] ?? '';
      const filename = /filename="([^"]*)"/i.exec(headerText)?.[1];
      const type = /content-type:\s*([^\r\n]+)/i.exec(headerText)?.[1]?.trim();
      if (filename !== undefined) {
        files.push({ field: name, filename, contentType: type, data: Buffer.from(content) });
      } else {
        fields[name] = content.toString('utf8');
      }
    }
    pos = next;
  }
  return { fields, files };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class DiscordFake {
  readonly applicationId: string;
  readonly botUserId: string;
  /** REST base for discord.js: `new Client({ rest: { api: fake.apiUrl } })`. */
  readonly apiUrl: string;
  /** Gateway URL handed out by GET /gateway(/bot). */
  readonly gatewayUrl: string;
  readonly port: number;

  /** Every HTTP request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every IDENTIFY received (token, intents, shard, properties). */
  readonly identifies: JsonObject[] = [];
  /** Every gateway payload received from clients. */
  readonly gatewayReceived: JsonObject[] = [];

  private readonly opts: Required<Omit<DiscordFakeOptions, 'token' | 'publicKeyHex'>> & Pick<DiscordFakeOptions, 'token' | 'publicKeyHex'>;
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly routes: Route[] = [];
  private readonly sessions = new Set<GatewaySession>();
  private readonly knownSessions = new Map<string, { seq: number }>();
  private readonly users = new Map<string, FakeUser>();
  private readonly channels = new Map<string, ChannelState>();
  private readonly dmChannelByUser = new Map<string, string>();
  private readonly interactions = new Map<string, InteractionState>();
  private readonly interactionsByToken = new Map<string, InteractionState>();
  private readonly callbackLog: RecordedCallback[] = [];
  private readonly messages = new Map<string, DeliveredMessage>();
  private readonly closedDms = new Set<string>();
  private rateLimits: { remaining: number; retryAfter: number; global: boolean } | null = null;
  private readonly globalWindow: number[] = [];
  /** Requests answered 429 because they went over `globalRateLimit`. */
  globalRateLimited = 0;
  private globalCommands: JsonObject[] = [];
  private readonly guildCommands = new Map<string, JsonObject[]>();
  private readonly commandIds = new Map<string, string>();
  private requestSeq = 0;
  private closed = false;

  private constructor(opts: DiscordFakeOptions, server: http.Server, wss: WebSocketServer, port: number) {
    this.opts = {
      applicationId: opts.applicationId ?? fakeSnowflake(),
      botUserId: opts.botUserId ?? opts.applicationId ?? fakeSnowflake(),
      botUsername: opts.botUsername ?? 'questlog-test',
      callbackDeadlineMs: opts.callbackDeadlineMs ?? 3000,
      tokenLifetimeMs: opts.tokenLifetimeMs ?? 15 * 60_000,
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41_250,
      globalRateLimit: opts.globalRateLimit ?? 0,
      token: opts.token,
      publicKeyHex: opts.publicKeyHex,
    };
    this.applicationId = this.opts.applicationId;
    this.botUserId = this.opts.botUserId;
    this.server = server;
    this.wss = wss;
    this.port = port;
    this.apiUrl = `http://127.0.0.1:${port}`;
    this.gatewayUrl = `ws://127.0.0.1:${port}`;
    this.users.set(this.botUserId, {
      id: this.botUserId,
      username: this.opts.botUsername,
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
      verified: true,
      mfa_enabled: false,
      flags: 0,
      public_flags: 0,
    });
    this.defineRoutes();
    server.on('request', (req, res) => this.onRequest(req, res));
    wss.on('connection', (ws) => this.onConnection(ws));
  }

  static async start(opts: DiscordFakeOptions = {}): Promise<DiscordFake> {
    const server = http.createServer();
    server.keepAliveTimeout = 5_000;
    const wss = new WebSocketServer({ server });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    return new DiscordFake(opts, server, wss, port);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const session of this.sessions) session.ws.terminate();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closing;
  }

  // ---------------------------------------------------------------- test controls

  /** Messages to this user's DM channel answer 403 code 50007. */
  closeDmsFor(userId: string): void {
    this.closedDms.add(userId);
  }

  openDmsFor(userId: string): void {
    this.closedDms.delete(userId);
  }

  /**
   * The next `n` POST /channels/:id/messages answer 429 with `retry_after` (seconds), the
   * `Retry-After` header and `X-RateLimit-*` headers; @discordjs/rest waits and retries
   * by itself. `global: true` adds `X-RateLimit-Global` (scope `global`).
   */
  rateLimitNext(n: number, retryAfterSeconds: number, opts: { global?: boolean } = {}): void {
    this.rateLimits = n > 0 ? { remaining: n, retryAfter: retryAfterSeconds, global: opts.global ?? false } : null;
  }

  /** Adds or customises a user returned by the fake (DM recipients, GET /users/:id, interaction users). */
  addUser(user: Partial<FakeUser> & { id: string }): FakeUser {
    const full: FakeUser = { ...this.user(user.id), ...user };
    this.users.set(user.id, full);
    return full;
  }

  /** Makes a guild text channel known (so the bot may post to it). */
  addChannel(channel: { id: string; guildId?: string; type?: number; name?: string }): void {
    this.channels.set(channel.id, {
      id: channel.id,
      guildId: channel.guildId,
      type: channel.type ?? 0,
      name: channel.name ?? `channel-${channel.id.slice(-4)}`,
    });
  }

  /** The (stable) DM channel id the fake uses for a user. */
  dmChannelIdFor(userId: string): string {
    let id = this.dmChannelByUser.get(userId);
    if (!id) {
      id = fakeSnowflake();
      this.dmChannelByUser.set(userId, id);
      this.channels.set(id, { id, type: 1, recipientId: userId });
    }
    return id;
  }

  /** Pretends the interaction was dispatched `ms` earlier (to test the 3 s / 15 min limits without waiting). */
  ageInteraction(interactionId: string, ms: number): void {
    const state = this.interactions.get(interactionId);
    if (!state) throw new Error(`unknown interaction ${interactionId}`);
    state.createdAt -= ms;
  }

  /**
   * Records the initial response of an HTTP-delivered interaction (the body the bot's
   * endpoint answered with), so later webhook follow-ups/edits behave as after a REST callback.
   */
  recordHttpResponse(interactionId: string, response: { type: number; data?: any }): RecordedCallback {
    const state = this.interactions.get(interactionId);
    if (!state) throw new Error(`unknown interaction ${interactionId}`);
    const result = this.acknowledge(state, response.type, response.data, []);
    const entry: RecordedCallback = {
      interactionId,
      token: state.token,
      type: response.type,
      data: response.data,
      files: [],
      status: result.error ? result.error.status : 200,
      accepted: !result.error,
      errorCode: result.error?.body.code,
      viaHttp: true,
      at: Date.now(),
    };
    this.callbackLog.push(entry);
    return entry;
  }

  /** Sends op 7 RECONNECT to every session (discord.js then reconnects and RESUMEs). */
  requestReconnect(): void {
    for (const session of this.sessions) this.send(session.ws, { op: 7, d: null });
  }

  /** Sends any dispatch event to every identified session. Returns the number of sessions. */
  dispatch(event: string, data: JsonObject): number {
    let count = 0;
    for (const session of this.sessions) {
      if (!session.identified || !session.sessionId || session.ws.readyState !== WebSocket.OPEN) continue;
      this.sendDispatch(session, event, data);
      count += 1;
    }
    return count;
  }

  /** Forgets recorded requests, callbacks, messages and injected failures (keeps sessions, identifies, users, commands). */
  reset(): void {
    this.requests.length = 0;
    this.callbackLog.length = 0;
    this.gatewayReceived.length = 0;
    this.messages.clear();
    this.closedDms.clear();
    this.rateLimits = null;
  }

  // ---------------------------------------------------------------- queries

  /** Gateway sessions that completed IDENTIFY (or RESUME) and are still open. */
  get readySessions(): number {
    let n = 0;
    for (const s of this.sessions) if (s.identified && s.ws.readyState === WebSocket.OPEN) n += 1;
    return n;
  }

  /** Intents of the latest IDENTIFY. */
  get intents(): number | undefined {
    return this.identifies.at(-1)?.intents;
  }

  /** Callback attempts for an interaction (REST and `recordHttpResponse`), rejected ones included. */
  callbacks(interactionId: string): RecordedCallback[] {
    return this.callbackLog.filter((c) => c.interactionId === interactionId);
  }

  /** PATCH requests on `/webhooks/:app/:token/messages/...` for an interaction token. */
  webhookEdits(token: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith(`/webhooks/${this.applicationId}/${token}/messages/`));
  }

  /** Follow-up POSTs on `/webhooks/:app/:token`. */
  followUps(token: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === `/webhooks/${this.applicationId}/${token}`);
  }

  /** Messages successfully delivered to the user's DM channel. */
  dmsTo(userId: string): DeliveredMessage[] {
    const channelId = this.dmChannelByUser.get(userId);
    return channelId ? this.messagesIn(channelId) : [];
  }

  /** Messages successfully created in a channel (channel posts, interaction responses and follow-ups). */
  messagesIn(channelId: string): DeliveredMessage[] {
    return [...this.messages.values()].filter((m) => m.channelId === channelId);
  }

  /** The current state of the interaction's original response message, if any. */
  originalMessage(interactionId: string): JsonObject | undefined {
    const state = this.interactions.get(interactionId);
    const id = state?.originalMessageId;
    return id ? this.messages.get(id)?.message : undefined;
  }

  /** Registered commands: global, or of one guild. */
  commands(guildId?: string): JsonObject[] {
    return guildId ? (this.guildCommands.get(guildId) ?? []) : this.globalCommands;
  }

  /**
   * Polls (every 10 ms, at most `timeoutMs`) until a recorded request matches; returns it.
   * Rejects with a list of what was recorded.
   */
  async waitFor(predicate: (r: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.requests.find(predicate);
      if (found) return found;
      if (Date.now() >= deadline) {
        const seen = this.requests.map((r) => `${r.method} ${r.path} -> ${r.status}`).join('\n  ');
        throw new Error(`DiscordFake.waitFor: no matching request within ${timeoutMs} ms; recorded:\n  ${seen}`);
      }
      await sleep(10);
    }
  }

  /** Polls until `check()` returns a truthy value (bounded); returns it. */
  async waitUntil<T>(check: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() >= deadline) throw new Error(`DiscordFake.waitUntil: ${what} not met within ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  /** Waits until `n` gateway sessions are identified. */
  async waitForSessions(n = 1, timeoutMs = 5000): Promise<void> {
    await this.waitUntil(() => this.readySessions >= n, timeoutMs, `${n} identified gateway session(s)`);
  }

  // ---------------------------------------------------------------- interactions

  /** Builds a full interaction payload and registers it (for callbacks/webhooks) without sending it. */
  buildInteraction(init: InteractionInit): DispatchedInteraction {
    const id = fakeSnowflake();
    const token = Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
    const userId = init.userId ?? fakeSnowflake();
    const user = this.user(userId);
    const guildId = init.guildId;
    let channel: JsonObject;
    let channelId: string;
    if (guildId) {
      channelId = init.channelId ?? this.defaultGuildChannel(guildId);
      if (!this.channels.has(channelId)) this.addChannel({ id: channelId, guildId });
      const state = this.channels.get(channelId)!;
      channel = {
        id: channelId,
        type: state.type,
        guild_id: guildId,
        name: state.name,
        position: 0,
        parent_id: null,
        nsfw: false,
        topic: null,
        last_message_id: null,
        rate_limit_per_user: 0,
        flags: 0,
        permissions: init.permissions ?? DEFAULT_MEMBER_PERMISSIONS,
      };
    } else {
      channelId = init.channelId ?? this.dmChannelIdFor(userId);
      channel = { id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [user] };
    }
    const payload: JsonObject = {
      id,
      application_id: this.applicationId,
      type: init.type,
      token,
      version: 1,
      channel,
      channel_id: channelId,
      locale: init.locale ?? 'en-US',
      app_permissions: init.appPermissions ?? DEFAULT_APP_PERMISSIONS,
      entitlements: [],
      authorizing_integration_owners: guildId ? { '0': guildId } : { '0': '0' },
      context: guildId ? 0 : 1,
      attachment_size_limit: 10 * 1024 * 1024,
    };
    if (init.data !== undefined) payload.data = init.data;
    if (guildId) {
      payload.guild_id = guildId;
      payload.guild = { id: guildId, locale: 'en-US', features: [] };
      payload.guild_locale = 'en-US';
      payload.member = {
        user,
        roles: init.roles ?? [],
        permissions: init.permissions ?? DEFAULT_MEMBER_PERMISSIONS,
        joined_at: new Date(Date.now() - 86_400_000).toISOString(),
        premium_since: null,
        nick: null,
        avatar: null,
        banner: null,
        deaf: false,
        mute: false,
        pending: false,
        flags: 0,
        communication_disabled_until: null,
        unusual_dm_activity_until: null,
      };
    } else {
      payload.user = user;
    }
    let sourceMessageId: string | undefined;
    if (init.message) {
      const message = this.storeSourceMessage(init.message, channelId, guildId);
      payload.message = message;
      sourceMessageId = message.id;
    }
    Object.assign(payload, init.extra ?? {});
    const state: InteractionState = {
      id,
      token,
      type: init.type,
      payload,
      createdAt: Date.now(),
      channelId,
      guildId,
      sourceMessageId,
    };
    this.interactions.set(id, state);
    this.interactionsByToken.set(token, state);
    return { id, token, payload, sentTo: 0 };
  }

  /**
   * Builds an INTERACTION_CREATE and sends it to every identified gateway session.
   * Throws when no session is identified (the client is not logged in yet).
   */
  dispatchInteraction(init: InteractionInit): DispatchedInteraction {
    if (this.readySessions === 0) {
      throw new Error('DiscordFake.dispatchInteraction: no identified gateway session (is the client ready?)');
    }
    const built = this.buildInteraction(init);
    const state = this.interactions.get(built.id)!;
    state.createdAt = Date.now();
    return { ...built, sentTo: this.dispatch('INTERACTION_CREATE', built.payload) };
  }

  chatInput(init: ChatInputInit): DispatchedInteraction {
    return this.dispatchInteraction({ ...init, type: 2, data: this.commandData(init) });
  }

  autocomplete(init: AutocompleteInit): DispatchedInteraction {
    return this.dispatchInteraction({ ...init, type: 4, data: this.commandData(init, init.focused) });
  }

  button(init: ButtonInit): DispatchedInteraction {
    const message = {
      components: [{ type: 1, id: 1, components: [{ type: 2, id: 2, style: 1, label: 'Button', custom_id: init.customId }] }],
      ...(init.message ?? {}),
    };
    return this.dispatchInteraction({
      ...init,
      type: 3,
      data: { custom_id: init.customId, component_type: 2 },
      message,
    });
  }

  modalSubmit(init: ModalSubmitInit): DispatchedInteraction {
    let nextId = 1;
    const components = Object.entries(init.fields).map(([customId, value]) => {
      const input = { type: 4, id: 0, custom_id: customId, value };
      if ((init.shape ?? 'label') === 'label') {
        const labelId = nextId++;
        input.id = nextId++;
        return { type: 18, id: labelId, component: input };
      }
      const rowId = nextId++;
      input.id = nextId++;
      return { type: 1, id: rowId, components: [input] };
    });
    return this.dispatchInteraction({
      ...init,
      type: 5,
      data: { custom_id: init.customId, components },
      message: init.message,
    });
  }

  // ---------------------------------------------------------------- internals: users, messages

  private user(id: string): FakeUser {
    let user = this.users.get(id);
    if (!user) {
      user = {
        id,
        username: `user${id.slice(-6)}`,
        discriminator: '0',
        global_name: `User ${id.slice(-6)}`,
        avatar: null,
        bot: false,
        system: false,
        public_flags: 0,
        flags: 0,
        banner: null,
        accent_color: null,
        avatar_decoration_data: null,
        collectibles: null,
        primary_guild: null,
      };
      this.users.set(id, user);
    }
    return user;
  }

  private botUser(): FakeUser {
    return this.users.get(this.botUserId)!;
  }

  private defaultGuildChannel(guildId: string): string {
    for (const c of this.channels.values()) if (c.guildId === guildId) return c.id;
    return fakeSnowflake();
  }

  private commandData(init: ChatInputInit, focused?: string): JsonObject {
    let leaf: ApiCommandOption[];
    if (Array.isArray(init.options)) {
      leaf = init.options;
    } else {
      leaf = Object.entries(init.options ?? {}).map(([name, value]) => {
        const option: ApiCommandOption = { name, type: init.optionTypes?.[name] ?? inferOptionType(value), value };
        if (focused === name) option.focused = true;
        return option;
      });
    }
    let options: ApiCommandOption[] = leaf;
    if (init.subcommand) options = [{ name: init.subcommand, type: 1, options }];
    if (init.subcommandGroup) options = [{ name: init.subcommandGroup, type: 2, options }];
    const guildCommand = init.guildId ? this.guildCommands.get(init.guildId)?.find((c) => c.name === init.name && (c.type ?? 1) === 1) : undefined;
    const registered = guildCommand ?? this.globalCommands.find((c) => c.name === init.name && (c.type ?? 1) === 1);
    const data: JsonObject = {
      id: init.commandId ?? registered?.id ?? this.commandId('global', 1, init.name),
      name: init.name,
      type: 1,
    };
    if (guildCommand) data.guild_id = init.guildId;
    if (options.length > 0) data.options = options;
    const resolved: JsonObject = { ...(init.resolved ?? {}) };
    const userIds = new Set<string>();
    const collect = (opts: ApiCommandOption[]) => {
      for (const o of opts) {
        if (o.type === 6 && typeof o.value === 'string') userIds.add(o.value);
        if (o.options) collect(o.options);
      }
    };
    collect(options);
    if (userIds.size > 0 && !resolved.users) {
      resolved.users = Object.fromEntries([...userIds].map((id) => [id, this.user(id)]));
      if (init.guildId) {
        resolved.members = Object.fromEntries(
          [...userIds].map((id) => [
            id,
            {
              roles: [],
              nick: null,
              avatar: null,
              joined_at: new Date().toISOString(),
              flags: 0,
              pending: false,
              premium_since: null,
              communication_disabled_until: null,
              permissions: DEFAULT_MEMBER_PERMISSIONS,
            },
          ]),
        );
      }
    }
    if (Object.keys(resolved).length > 0) data.resolved = resolved;
    return data;
  }

  private commandId(scope: string, type: number, name: string): string {
    const key = `${scope}:${type}:${name}`;
    let id = this.commandIds.get(key);
    if (!id) {
      id = fakeSnowflake();
      this.commandIds.set(key, id);
    }
    return id;
  }

  private baseMessage(channelId: string, guildId: string | undefined, author: FakeUser): JsonObject {
    const id = fakeSnowflake();
    const message: JsonObject = {
      id,
      type: 0,
      channel_id: channelId,
      author,
      content: '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      flags: 0,
    };
    if (guildId) message.guild_id = guildId;
    return message;
  }

  private storeSourceMessage(partial: JsonObject, channelId: string, guildId?: string): JsonObject {
    const message = { ...this.baseMessage(channelId, guildId, this.botUser()), ...partial };
    message.channel_id = partial.channel_id ?? channelId;
    if (!this.messages.has(message.id)) {
      this.messages.set(message.id, {
        id: message.id,
        channelId: message.channel_id,
        body: partial,
        files: [],
        message,
        deleted: false,
        at: Date.now(),
      });
    }
    return message;
  }

  private resolveAttachments(body: JsonObject, files: FakeFile[], existing: JsonObject[]): JsonObject[] | undefined {
    const list: JsonObject[] | undefined = body.attachments ?? (files.length > 0 ? files.map((f, i) => ({ id: i, filename: f.filename })) : undefined);
    if (!list) return undefined;
    return list.map((a) => {
      const file = files.find((f) => f.field === `files[${a.id}]`) ?? (files.length === 1 && list.length === 1 ? files[0] : undefined);
      if (file) {
        const id = fakeSnowflake();
        const filename = a.filename ?? file.filename;
        return {
          id,
          filename,
          size: file.data.length,
          url: `${this.apiUrl}/attachments/${id}/${encodeURIComponent(filename)}`,
          proxy_url: `${this.apiUrl}/attachments/${id}/${encodeURIComponent(filename)}`,
          content_type: file.contentType,
          ...(a.description ? { description: a.description } : {}),
        };
      }
      return existing.find((e) => e.id === String(a.id)) ?? a;
    });
  }

  /** Applies a create/edit body to a message object. */
  private applyBody(message: JsonObject, body: JsonObject, files: FakeFile[], editing: boolean): void {
    for (const key of ['content', 'embeds', 'components', 'tts', 'poll', 'sticker_ids'] as const) {
      if (body[key] !== undefined && body[key] !== null) message[key] = body[key];
      else if (body[key] === null && editing) message[key] = key === 'content' ? '' : [];
    }
    if (body.flags !== undefined && body.flags !== null) {
      // Ephemeral/loading flags cannot be changed by edits.
      const keep = editing ? message.flags & (MESSAGE_FLAG_EPHEMERAL | MESSAGE_FLAG_LOADING) : 0;
      message.flags = (Number(body.flags) & ~MESSAGE_FLAG_LOADING) | keep;
    }
    const attachments = this.resolveAttachments(body, files, message.attachments ?? []);
    if (attachments) message.attachments = attachments;
    if (editing) {
      message.flags &= ~MESSAGE_FLAG_LOADING;
      message.edited_timestamp = new Date().toISOString();
    }
  }

  private validateMessage(message: JsonObject): ApiError | null {
    const content = typeof message.content === 'string' ? message.content : '';
    if (content.length > 2000) return formError('content', 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
    const embeds = Array.isArray(message.embeds) ? message.embeds : [];
    if (embeds.length > 10) return formError('embeds', 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
    const components = Array.isArray(message.components) ? message.components : [];
    const v2 = (Number(message.flags ?? 0) & MESSAGE_FLAG_COMPONENTS_V2) !== 0;
    if (!v2 && components.length > 5) {
      return formError('components', 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
    }
    if (v2 && content.length > 0) {
      return formError(
        'content',
        'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
        "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
      );
    }
    const loading = (Number(message.flags ?? 0) & MESSAGE_FLAG_LOADING) !== 0;
    const empty =
      content.trim().length === 0 &&
      embeds.length === 0 &&
      components.length === 0 &&
      (message.attachments?.length ?? 0) === 0 &&
      !message.poll &&
      !(message.sticker_ids?.length > 0);
    if (empty && !loading) return apiError(400, 50006, 'Cannot send an empty message');
    return null;
  }

  /** Creates a message from a create body; returns the error instead when invalid. */
  private createMessage(
    channelId: string,
    guildId: string | undefined,
    body: JsonObject,
    files: FakeFile[],
    extra: JsonObject = {},
    flagsOverride?: number,
  ): { message?: JsonObject; error?: ApiError } {
    const message = { ...this.baseMessage(channelId, guildId, this.botUser()), ...extra };
    this.applyBody(message, body, files, false);
    if (flagsOverride !== undefined) message.flags = flagsOverride;
    const error = this.validateMessage(message);
    if (error) return { error };
    const recipientId = this.channels.get(channelId)?.recipientId;
    this.messages.set(message.id, {
      id: message.id,
      channelId,
      recipientId,
      body,
      files,
      message,
      deleted: false,
      at: Date.now(),
    });
    return { message };
  }

  private editMessage(id: string, body: JsonObject, files: FakeFile[]): { message?: JsonObject; error?: ApiError } {
    const stored = this.messages.get(id);
    if (!stored || stored.deleted) return { error: apiError(404, 10008, 'Unknown Message') };
    const draft = structuredClone(stored.message);
    this.applyBody(draft, body, files, true);
    const error = this.validateMessage(draft);
    if (error) return { error };
    stored.message = draft;
    return { message: draft };
  }

  // ---------------------------------------------------------------- internals: interaction callbacks

  private interactionMessageExtra(state: InteractionState): JsonObject {
    return {
      type: state.type === 2 ? 20 : 0,
      webhook_id: this.applicationId,
      application_id: this.applicationId,
      interaction_metadata: {
        id: state.id,
        type: state.type,
        user: state.payload.user ?? state.payload.member?.user,
        authorizing_integration_owners: state.payload.authorizing_integration_owners,
        ...(state.type === 2 ? { name: state.payload.data?.name, command_type: 1 } : {}),
      },
    };
  }

  private validateCallback(state: InteractionState, type: number, data: any, files: FakeFile[]): ApiError | null {
    const allowed = CALLBACK_TYPES[state.type] ?? [];
    if (!allowed.includes(type)) {
      return formError('type', 'INTERACTION_CALLBACK_TYPE_INVALID', `Interaction callback type ${type} is not valid for interaction type ${state.type}`);
    }
    if ((type === 6 || type === 7) && !state.sourceMessageId) {
      return formError('type', 'INTERACTION_CALLBACK_TYPE_INVALID', 'This interaction has no message to update');
    }
    if (type === 4) {
      const draft = this.baseMessage(state.channelId, state.guildId, this.botUser());
      this.applyBody(draft, data ?? {}, files, false);
      return this.validateMessage(draft);
    }
    if (type === 8) {
      const choices = data?.choices;
      if (!Array.isArray(choices)) return formError('data.choices', 'BASE_TYPE_REQUIRED', 'This field is required');
      if (choices.length > 25) return formError('data.choices', 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
      for (const [i, c] of choices.entries()) {
        if (typeof c?.name !== 'string' || c.name.length < 1 || c.name.length > 100) {
          return formError(`data.choices.${i}.name`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
        }
        if (c.value === undefined || c.value === null) {
          return formError(`data.choices.${i}.value`, 'BASE_TYPE_REQUIRED', 'This field is required');
        }
      }
    }
    if (type === 9) {
      const title = data?.title;
      const customId = data?.custom_id;
      if (typeof title !== 'string' || title.length < 1 || title.length > 45) {
        return formError('data.title', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 45 in length.');
      }
      if (typeof customId !== 'string' || customId.length < 1 || customId.length > 100) {
        return formError('data.custom_id', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
      }
      const components = data?.components;
      if (!Array.isArray(components) || components.length < 1 || components.length > 5) {
        return formError('data.components', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
      }
    }
    return null;
  }

  /** Applies an initial response. */
  private acknowledge(state: InteractionState, type: number, data: any, files: FakeFile[]): { error?: ApiError; message?: JsonObject } {
    if (state.acknowledged) return { error: apiError(400, 40060, 'Interaction has already been acknowledged.') };
    if (Date.now() - state.createdAt > this.opts.callbackDeadlineMs) {
      return { error: apiError(404, 10062, 'Unknown interaction') };
    }
    const error = this.validateCallback(state, type, data, files);
    if (error) return { error };
    let message: JsonObject | undefined;
    const extra = this.interactionMessageExtra(state);
    if (type === 4) {
      const created = this.createMessage(state.channelId, state.guildId, data ?? {}, files, extra);
      if (created.error) return { error: created.error };
      message = created.message;
      state.originalMessageId = message!.id;
    } else if (type === 5) {
      const flags = (Number(data?.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL) | MESSAGE_FLAG_LOADING;
      const created = this.createMessage(state.channelId, state.guildId, {}, [], extra, flags);
      message = created.message;
      state.originalMessageId = message!.id;
    } else if (type === 6 || type === 7) {
      state.originalMessageId = state.sourceMessageId;
      if (type === 7) {
        const edited = this.editMessage(state.sourceMessageId!, data ?? {}, files);
        if (edited.error) return { error: edited.error };
        message = edited.message;
      } else {
        message = this.messages.get(state.sourceMessageId!)?.message;
      }
    }
    state.acknowledged = { type, data };
    return { message };
  }

  // ---------------------------------------------------------------- HTTP

  private route(method: string, path: string, auth: boolean, handler: Handler): void {
    const source = path
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '([^/]+)' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), auth, handler });
  }

  private defineRoutes(): void {
    const gateway = (): Reply => ({
      status: 200,
      body: {
        url: this.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      },
    });
    this.route('GET', '/gateway/bot', true, gateway);
    this.route('GET', '/gateway', false, () => ({ status: 200, body: { url: this.gatewayUrl } }));

    this.route('GET', '/users/@me', true, () => ({ status: 200, body: this.botUser() }));
    this.route('GET', '/applications/@me', true, () => ({ status: 200, body: this.application() }));
    this.route('GET', '/oauth2/applications/@me', true, () => ({ status: 200, body: this.application() }));
    this.route('GET', '/users/:id', true, ({ params }) => ({ status: 200, body: this.user(params[0]) }));

    // Interaction callbacks (no auth header; the token is in the path).
    this.route('POST', '/interactions/:id/:token/callback', false, (ctx) => this.onCallback(ctx));

    // Interaction webhooks.
    this.route('POST', '/webhooks/:app/:token', false, (ctx) => this.onFollowUp(ctx));
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      this.route(method, '/webhooks/:app/:token/messages/:message', false, (ctx) => this.onWebhookMessage(ctx));
    }

    // Commands.
    this.route('GET', '/applications/:app/commands', true, ({ params }) => this.withApp(params[0], () => ({ status: 200, body: this.globalCommands })));
    this.route('PUT', '/applications/:app/commands', true, ({ params, body }) => this.withApp(params[0], () => this.overwriteCommands(undefined, body)));
    this.route('GET', '/applications/:app/guilds/:guild/commands', true, ({ params }) =>
      this.withApp(params[0], () => ({ status: 200, body: this.guildCommands.get(params[1]) ?? [] })),
    );
    this.route('PUT', '/applications/:app/guilds/:guild/commands', true, ({ params, body }) =>
      this.withApp(params[0], () => this.overwriteCommands(params[1], body)),
    );

    // DMs and channel messages.
    this.route('POST', '/users/@me/channels', true, ({ body }) => {
      const recipientId = body?.recipient_id;
      if (typeof recipientId !== 'string' || !/^\d{1,20}$/.test(recipientId)) {
        return this.error(formError('recipient_id', 'NUMBER_TYPE_COERCE', `Value "${recipientId}" is not snowflake.`));
      }
      return { status: 200, body: this.channelObject(this.dmChannelIdFor(recipientId)) };
    });
    this.route('GET', '/channels/:id', true, ({ params }) => {
      if (!this.channels.has(params[0])) return this.error(apiError(404, 10003, 'Unknown Channel'));
      return { status: 200, body: this.channelObject(params[0]) };
    });
    this.route('POST', '/channels/:id/messages', true, (ctx) => this.onChannelMessage(ctx));
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      this.route(method, '/channels/:id/messages/:message', true, (ctx) => this.onChannelMessageById(ctx));
    }
  }

  private application(): JsonObject {
    return {
      id: this.applicationId,
      name: this.opts.botUsername,
      icon: null,
      description: '',
      summary: '',
      type: null,
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: this.opts.publicKeyHex ?? '0'.repeat(64),
      flags: 0,
      team: null,
      owner: { id: fakeSnowflake(), username: 'owner', discriminator: '0', global_name: null, avatar: null },
      bot: this.botUser(),
      tags: [],
      approximate_guild_count: 0,
      integration_types_config: { '0': {}, '1': {} },
      interactions_endpoint_url: null,
      redirect_uris: [],
    };
  }

  private channelObject(id: string): JsonObject {
    const c = this.channels.get(id)!;
    if (c.type === 1) {
      return { id, type: 1, last_message_id: null, flags: 0, recipients: [this.user(c.recipientId!)] };
    }
    return {
      id,
      type: c.type,
      guild_id: c.guildId,
      name: c.name,
      position: 0,
      parent_id: null,
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
      permission_overwrites: [],
    };
  }

  private withApp(app: string, fn: () => Reply): Reply {
    if (app !== this.applicationId) return this.error(apiError(403, 50001, 'Missing Access'));
    return fn();
  }

  private error(e: ApiError): Reply {
    return { status: e.status, body: e.body };
  }

  private overwriteCommands(guildId: string | undefined, body: any): Reply {
    if (!Array.isArray(body)) return this.error(formError('_root', 'BASE_TYPE_ARRAY', 'Must be an array.'));
    const scope = guildId ? `guild:${guildId}` : 'global';
    const chatInputs = body.filter((c: JsonObject) => (c.type ?? 1) === 1);
    if (chatInputs.length > 100) {
      return this.error(formError('_root', 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.'));
    }
    const seen = new Set<string>();
    const stored: JsonObject[] = [];
    for (const [i, cmd] of body.entries()) {
      const type = cmd.type ?? 1;
      const name = cmd.name;
      if (typeof name !== 'string' || !COMMAND_NAME.test(name) || (type === 1 && name !== name.toLowerCase())) {
        return this.error(formError(`${i}.name`, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid'));
      }
      if (seen.has(`${type}:${name}`)) {
        return this.error(formError(`${i}.name`, 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`));
      }
      seen.add(`${type}:${name}`);
      if (type === 1) {
        const description = cmd.description;
        if (typeof description !== 'string' || description.length < 1 || description.length > 100) {
          return this.error(formError(`${i}.description`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.'));
        }
        const problem = this.validateOptions(cmd.options ?? [], `${i}.options`);
        if (problem) return this.error(problem);
      }
      stored.push({
        id: this.commandId(scope, type, name),
        application_id: this.applicationId,
        version: fakeSnowflake(),
        default_member_permissions: null,
        type,
        name,
        name_localizations: null,
        description: type === 1 ? cmd.description : '',
        description_localizations: null,
        dm_permission: true,
        contexts: null,
        integration_types: [0],
        nsfw: false,
        ...cmd,
        ...(guildId ? { guild_id: guildId } : {}),
      });
    }
    if (guildId) this.guildCommands.set(guildId, stored);
    else this.globalCommands = stored;
    return { status: 200, body: stored };
  }

  private validateOptions(options: JsonObject[], path: string): ApiError | null {
    if (options.length > 25) return formError(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    for (const [i, o] of options.entries()) {
      if (typeof o.name !== 'string' || !COMMAND_NAME.test(o.name) || o.name !== o.name.toLowerCase()) {
        return formError(`${path}.${i}.name`, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      }
      if (typeof o.description !== 'string' || o.description.length < 1 || o.description.length > 100) {
        return formError(`${path}.${i}.description`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
      }
      if (Array.isArray(o.choices) && o.choices.length > 25) {
        return formError(`${path}.${i}.choices`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
      }
      if (Array.isArray(o.options)) {
        const nested = this.validateOptions(o.options, `${path}.${i}.options`);
        if (nested) return nested;
      }
    }
    return null;
  }

  private onCallback(ctx: Ctx): Reply {
    const [id, token] = ctx.params;
    const state = this.interactions.get(id);
    const type = Number(ctx.body?.type);
    const data = ctx.body?.data;
    const record = (status: number, accepted: boolean, errorCode?: number) =>
      this.callbackLog.push({ interactionId: id, token, type, data, files: ctx.files, status, accepted, errorCode, at: Date.now() });
    if (!state) {
      record(404, false, 10062);
      return this.error(apiError(404, 10062, 'Unknown interaction'));
    }
    if (state.token !== token) {
      record(401, false, 50027);
      return this.error(apiError(401, 50027, 'Invalid Webhook Token'));
    }
    const result = this.acknowledge(state, type, data, ctx.files);
    if (result.error) {
      record(result.error.status, false, result.error.body.code);
      return this.error(result.error);
    }
    record(ctx.query.with_response === 'true' ? 200 : 204, true);
    if (ctx.query.with_response !== 'true') return { status: 204 };
    const message = result.message;
    return {
      status: 200,
      body: {
        interaction: {
          id: state.id,
          type: state.type,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: type === 5,
          response_message_ephemeral: message ? (message.flags & MESSAGE_FLAG_EPHEMERAL) !== 0 : false,
        },
        ...(type === 4 || type === 5 || type === 7 || type === 6 ? { resource: { type, ...(message ? { message } : {}) } } : {}),
      },
    };
  }

  /** Finds a live interaction for webhook routes, or the error to answer. */
  private webhookState(app: string, token: string): { state?: InteractionState; error?: ApiError } {
    const state = this.interactionsByToken.get(token);
    if (app !== this.applicationId || !state) return { error: apiError(404, 10015, 'Unknown Webhook') };
    if (Date.now() - state.createdAt > this.opts.tokenLifetimeMs) {
      return { error: apiError(401, 50027, 'Invalid Webhook Token') };
    }
    if (!state.acknowledged) return { error: apiError(404, 10015, 'Unknown Webhook') };
    return { state };
  }

  private onFollowUp(ctx: Ctx): Reply {
    const [app, token] = ctx.params;
    const { state, error } = this.webhookState(app, token);
    if (error) return this.error(error);
    const extra = this.interactionMessageExtra(state!);
    const created = this.createMessage(state!.channelId, state!.guildId, ctx.body ?? {}, ctx.files, extra);
    if (created.error) return this.error(created.error);
    if (ctx.query.wait === 'false') return { status: 204 };
    return { status: 200, body: created.message };
  }

  private onWebhookMessage(ctx: Ctx): Reply {
    const [app, token, messageParam] = ctx.params;
    const { state, error } = this.webhookState(app, token);
    if (error) return this.error(error);
    const messageId = messageParam === '@original' ? state!.originalMessageId : messageParam;
    const stored = messageId ? this.messages.get(messageId) : undefined;
    if (!messageId || !stored || stored.deleted) return this.error(apiError(404, 10008, 'Unknown Message'));
    if (ctx.method === 'GET') return { status: 200, body: stored.message };
    if (ctx.method === 'DELETE') {
      stored.deleted = true;
      return { status: 204 };
    }
    const edited = this.editMessage(messageId, ctx.body ?? {}, ctx.files);
    if (edited.error) return this.error(edited.error);
    return { status: 200, body: edited.message };
  }

  private onChannelMessage(ctx: Ctx): Reply {
    const channelId = ctx.params[0];
    const channel = this.channels.get(channelId);
    if (this.rateLimits && this.rateLimits.remaining > 0) {
      const { retryAfter, global } = this.rateLimits;
      this.rateLimits.remaining -= 1;
      if (this.rateLimits.remaining === 0) this.rateLimits = null;
      const headers: Record<string, string> = {
        'retry-after': String(retryAfter),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
        'x-ratelimit-reset-after': retryAfter.toFixed(3),
        'x-ratelimit-bucket': 'fakechannelmessages',
        'x-ratelimit-scope': global ? 'global' : 'user',
      };
      if (global) headers['x-ratelimit-global'] = 'true';
      return {
        status: 429,
        headers,
        body: { message: 'You are being rate limited.', retry_after: retryAfter, global, ...(global ? { code: 0 } : {}) },
      };
    }
    if (!channel) return this.error(apiError(404, 10003, 'Unknown Channel'));
    if (channel.recipientId && this.closedDms.has(channel.recipientId)) {
      return this.error(apiError(403, 50007, 'Cannot send messages to this user'));
    }
    const created = this.createMessage(channelId, channel.guildId, ctx.body ?? {}, ctx.files);
    if (created.error) return this.error(created.error);
    return { status: 200, body: created.message, headers: this.okRateLimitHeaders() };
  }

  private onChannelMessageById(ctx: Ctx): Reply {
    const [channelId, messageId] = ctx.params;
    const stored = this.messages.get(messageId);
    if (!this.channels.has(channelId)) return this.error(apiError(404, 10003, 'Unknown Channel'));
    if (!stored || stored.deleted || stored.channelId !== channelId) {
      return this.error(apiError(404, 10008, 'Unknown Message'));
    }
    if (ctx.method === 'GET') return { status: 200, body: stored.message };
    if (ctx.method === 'DELETE') {
      stored.deleted = true;
      return { status: 204 };
    }
    const edited = this.editMessage(messageId, ctx.body ?? {}, ctx.files);
    if (edited.error) return this.error(edited.error);
    return { status: 200, body: edited.message };
  }

  private overGlobalLimit(): Reply | null {
    const limit = this.opts.globalRateLimit;
    if (!limit) return null;
    const now = Date.now();
    while (this.globalWindow.length && this.globalWindow[0]! <= now - 1000) this.globalWindow.shift();
    if (this.globalWindow.length < limit) {
      this.globalWindow.push(now);
      return null;
    }
    this.globalRateLimited++;
    const retryAfter = Math.max(0.001, (this.globalWindow[0]! + 1000 - now) / 1000);
    return {
      status: 429,
      headers: { 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
      body: { message: 'You are being rate limited.', retry_after: Number(retryAfter.toFixed(3)), global: true, code: 0 },
    };
  }

  private okRateLimitHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '4',
      'x-ratelimit-reset': ((Date.now() + 5000) / 1000).toFixed(3),
      'x-ratelimit-reset-after': '5.000',
      'x-ratelimit-bucket': 'fakechannelmessages',
    };
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', this.apiUrl);
      const method = (req.method ?? 'GET').toUpperCase();
      const query = Object.fromEntries(url.searchParams.entries());
      // discord-api-types' Routes encode segments (`@original` arrives as `%40original`).
      const decoded = url.pathname
        .split('/')
        .map((segment) => {
          try {
            return decodeURIComponent(segment);
          } catch {
            return segment;
          }
        })
        .join('/');
      const versioned = /^\/api(?=\/)/.test(decoded) ? decoded.slice(4) : decoded;
      const path = versioned.startsWith('/v10/') ? versioned.slice(4) : versioned;
      let body: any;
      let files: FakeFile[] = [];
      let reply: Reply;
      const contentType = req.headers['content-type'] ?? '';
      try {
        if (contentType.startsWith('multipart/form-data')) {
          const parsed = parseMultipart(rawBody, contentType);
          files = parsed.files;
          body = parsed.fields.payload_json !== undefined ? JSON.parse(parsed.fields.payload_json) : parsed.fields;
        } else if (rawBody.length > 0 && contentType.includes('json')) {
          body = JSON.parse(rawBody.toString('utf8'));
        } else if (rawBody.length > 0) {
          body = rawBody.toString('utf8');
        }
        reply = this.handle({ req, method, path, query, body, files, params: [] }, versioned);
      } catch (error) {
        if (error instanceof SyntaxError) {
          reply = this.error(apiError(400, 50109, 'The request body contains invalid JSON.'));
        } else {
          reply = { status: 500, body: { message: `DiscordFake error: ${String(error)}`, code: 0 } };
        }
      }
      this.requests.push({
        seq: ++this.requestSeq,
        at: Date.now(),
        method,
        url: req.url ?? '',
        path,
        query,
        headers: req.headers,
        body,
        files,
        rawBody,
        status: reply.status,
        response: reply.body,
      });
      const headers: Record<string, string> = { ...(reply.headers ?? {}) };
      if (reply.body !== undefined) headers['content-type'] = 'application/json';
      res.writeHead(reply.status, headers);
      res.end(reply.body !== undefined ? JSON.stringify(reply.body) : undefined);
    });
  }

  private handle(ctx: Ctx, versioned: string): Reply {
    const notFound = this.error(apiError(404, 0, '404: Not Found'));
    if (!versioned.startsWith('/v10/')) return notFound;
    for (const route of this.routes) {
      if (route.method !== ctx.method) continue;
      const match = route.pattern.exec(ctx.path);
      if (!match) continue;
      if (route.auth) {
        const auth = ctx.req.headers.authorization;
        const ok = this.opts.token ? auth === `Bot ${this.opts.token}` : typeof auth === 'string' && /^Bot \S+/.test(auth);
        if (!ok) return this.error(apiError(401, 0, '401: Unauthorized'));
        const limited = this.overGlobalLimit();
        if (limited) return limited;
      }
      return route.handler({ ...ctx, params: match.slice(1) });
    }
    const methodExists = this.routes.some((r) => r.pattern.test(ctx.path));
    return methodExists ? this.error(apiError(405, 0, '405: Method Not Allowed')) : notFound;
  }

  // ---------------------------------------------------------------- gateway

  private send(ws: WebSocket, payload: JsonObject): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(payload));
  }

  private sendDispatch(session: GatewaySession, event: string, data: JsonObject): void {
    const known = this.knownSessions.get(session.sessionId!)!;
    known.seq += 1;
    this.send(session.ws, { op: 0, t: event, s: known.seq, d: data });
  }

  private onConnection(ws: WebSocket): void {
    const session: GatewaySession = { ws, identified: false };
    this.sessions.add(session);
    ws.on('close', () => this.sessions.delete(session));
    ws.on('error', () => this.sessions.delete(session));
    ws.on('message', (raw: RawData) => this.onGatewayMessage(session, raw));
    this.send(ws, { op: 10, d: { heartbeat_interval: this.opts.heartbeatIntervalMs, _trace: ['["fake-gateway",{}]'] } });
  }

  private onGatewayMessage(session: GatewaySession, raw: RawData): void {
    let payload: JsonObject;
    try {
      payload = JSON.parse(raw.toString());
    } catch {
      session.ws.close(4002, 'Error while decoding payload.');
      return;
    }
    this.gatewayReceived.push(payload);
    switch (payload.op) {
      case 1: // heartbeat
        this.send(session.ws, { op: 11 });
        break;
      case 2: {
        // identify
        if (session.identified) {
          session.ws.close(4005, 'Already authenticated.');
          return;
        }
        const d = payload.d ?? {};
        if (this.opts.token && d.token !== this.opts.token) {
          session.ws.close(4004, 'Authentication failed.');
          return;
        }
        this.identifies.push({ token: d.token, intents: d.intents, shard: d.shard, properties: d.properties, at: Date.now() });
        session.identified = true;
        session.intents = d.intents;
        session.sessionId = randomBytes(16).toString('hex');
        this.knownSessions.set(session.sessionId, { seq: 0 });
        this.sendDispatch(session, 'READY', {
          v: 10,
          user: this.botUser(),
          user_settings: {},
          guilds: [],
          guild_join_requests: [],
          relationships: [],
          private_channels: [],
          presences: [],
          session_id: session.sessionId,
          session_type: 'normal',
          resume_gateway_url: this.gatewayUrl,
          shard: d.shard ?? [0, 1],
          application: { id: this.applicationId, flags: 0 },
          geo_ordered_rtc_regions: [],
          auth: {},
          _trace: ['["fake-gateway",{}]'],
        });
        break;
      }
      case 6: {
        // resume: nothing is replayed
        const d = payload.d ?? {};
        const known = typeof d.session_id === 'string' ? this.knownSessions.get(d.session_id) : undefined;
        if (!known || (this.opts.token && d.token !== this.opts.token)) {
          this.send(session.ws, { op: 9, d: false });
          return;
        }
        // The resumed session now lives on this socket only.
        for (const other of this.sessions) {
          if (other !== session && other.sessionId === d.session_id) other.identified = false;
        }
        session.identified = true;
        session.sessionId = d.session_id;
        this.sendDispatch(session, 'RESUMED', { _trace: ['["fake-gateway",{}]'] });
        break;
      }
      default:
        // presence update (3), voice (4), request guild members (8), ...: accepted and ignored.
        break;
    }
  }
}
