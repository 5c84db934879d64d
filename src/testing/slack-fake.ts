/**
 * An in-process fake of the Slack Web API (plus a `response_url` sink) on 127.0.0.1, for tests that run the
 * REAL Bolt app. Point Bolt at it with `clientOptions: { slackApiUrl: fake.apiUrl }`.
 *
 * How the real @slack/web-api 8 client talks to it (read from node_modules, not guessed):
 * - every call is `POST ${slackApiUrl}${method}` with `Authorization: Bearer <token>` and an
 *   `application/x-www-form-urlencoded` body; non-scalar args (blocks, view, attachments, metadata, ...) are
 *   JSON-stringified into one form field; `null`/`undefined` args are dropped; booleans/numbers become strings
 *   ("true", "3"). A `token` passed as an argument is ALSO sent in the body. Clients Bolt builds per request
 *   carry `teamId`, so their calls include `team_id`.
 * - the fake also accepts JSON bodies (`application/json`).
 * - HTTP 429 with `Retry-After: n` makes the client pause its whole request queue for n seconds and then retry
 *   through p-retry with its `retryConfig` (default tenRetriesInAboutThirtyMinutes: minTimeout 1 s,
 *   factor ~1.97, randomize => the first retry lands n + 1..2 s later). `rejectRateLimitedCalls: true` throws
 *   WebAPIRateLimitedError instead. Any other non-200 status is a WebAPIHTTPError (not retried); `ok:false`
 *   bodies are WebAPIPlatformError with `data.error` (not retried).
 * - `filesUploadV2` is three steps: files.getUploadURLExternal (the fake hands out `${baseUrl}/upload/<file id>`),
 *   a POST of the bytes to that URL (the WebClient sends them multipart-encoded; the fake keeps the raw body),
 *   then files.completeUploadExternal with `files` (JSON) and `channel_id`. See `uploads()`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface SlackFakeUser {
  tz?: string;
  real_name?: string;
  name?: string;
  display_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  email?: string;
}

export interface SlackFakeOptions {
  teamId?: string;
  teamName?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  users?: Record<string, SlackFakeUser>;
  /** Bot scopes returned by oauth.v2.access. */
  scopes?: string[];
  /** Port to listen on (default 0 = any free port). Always binds 127.0.0.1. */
  port?: number;
  /**
   * Per-method limits in calls per second (sliding one-second window), e.g.
   * `{ 'chat.postMessage': 20 }`: a call over the limit answers HTTP 429 with
   * `Retry-After` (whole seconds, as Slack sends it) and counts in `rateLimited`.
   */
  rateLimits?: Record<string, number>;
}

export interface SlackFakeCall {
  method: string;
  /** Decoded arguments; JSON-string fields (blocks, view, attachments, ...) are parsed. */
  args: Record<string, any>;
  /** From `Authorization: Bearer`, else the `token` argument. */
  token: string | undefined;
  /** Date.now() when the request arrived. */
  at: number;
  /** HTTP status the fake answered with (200, or 429 when rate limited). */
  status: number;
  /** The JSON body the fake answered with. */
  response: Record<string, any>;
}

export interface ResponseUrlPost {
  id: string;
  body: any;
  raw: string;
  at: number;
  /** HTTP status the sink answered with (404 once the url is used up / expired). */
  status: number;
}

/** A file sent through files.uploadV2 (getUploadURLExternal -> upload -> completeUploadExternal). */
export interface FakeUpload {
  fileId: string;
  filename: string;
  /** Bytes received at the upload URL (undefined until uploaded). */
  data?: Buffer;
  /** Set by files.completeUploadExternal. */
  channelId?: string;
  title?: string;
  completed: boolean;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown;
  thread_ts?: string;
  user?: string;
  ephemeral?: boolean;
  updated?: number;
  deleted?: boolean;
}

export type CustomHandler = (
  args: Record<string, any>,
  ctx: { token: string | undefined; fake: SlackFake },
) => Record<string, any> | Promise<Record<string, any>>;

/** Form fields the WebClient JSON-encodes that the fake parses back. */
const JSON_FIELDS = new Set([
  'blocks',
  'attachments',
  'view',
  'metadata',
  'unfurls',
  'user_auth_blocks',
  'inputs',
  'outputs',
  'chunks',
  'options',
  'option_groups',
  'profile',
  'files',
]);

const RESPONSE_URL_MAX_POSTS = 5;

interface OAuthInstall {
  teamId: string;
  teamName: string;
  userId: string;
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function tzInfo(tz: string, at = new Date()): { tz_offset: number; tz_label: string } {
  let tz_offset = 0;
  let tz_label = tz;
  try {
    const offsetPart = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(offsetPart ?? '');
    if (m) tz_offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
    tz_label = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? tz;
  } catch {
    // unknown zone: keep offset 0
  }
  return { tz_offset, tz_label };
}

export class SlackFake {
  readonly teamId: string;
  readonly teamName: string;
  readonly teamDomain: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly scopes: string[];
  /** e.g. http://127.0.0.1:12345 */
  readonly baseUrl: string;
  /** `${baseUrl}/api/` — give this to Bolt as `clientOptions: { slackApiUrl }`. */
  readonly apiUrl: string;

  private readonly server: Server;
  private readonly users = new Map<string, SlackFakeUser>();
  private recorded: SlackFakeCall[] = [];
  private posts: ResponseUrlPost[] = [];
  private failures = new Map<string, string[]>();
  private rateLimits = new Map<string, { remaining: number; retryAfter: number }>();
  private readonly windows = new Map<string, number[]>();
  /** Calls answered 429 by the configured `rateLimits` (not by `rateLimitNext`). */
  rateLimited = 0;
  private customHandlers = new Map<string, CustomHandler>();
  private expiredResponseUrls = new Set<string>();
  private revokedTokens = new Set<string>();
  private tokenTeams = new Map<string, string>();
  private oauthInstalls = new Map<string, OAuthInstall>();
  private messageStore = new Map<string, FakeMessage>();
  private views = new Map<string, Record<string, any>>();
  private dmChannels = new Map<string, string>(); // D... -> user id
  private fileUploads = new Map<string, FakeUpload>();
  private tsCounter = 0;
  private lastTsSecond = 0;
  private idCounter = 0;

  private readonly methodLimits: Record<string, number>;

  private constructor(server: Server, port: number, opts: SlackFakeOptions) {
    this.server = server;
    this.methodLimits = opts.rateLimits ?? {};
    this.teamId = opts.teamId ?? 'T0FAKETEAM1';
    this.teamName = opts.teamName ?? 'QuestLog Test';
    this.teamDomain = opts.teamDomain ?? 'questlog-test';
    this.botUserId = opts.botUserId ?? 'U0FAKEBOT01';
    this.botId = opts.botId ?? 'B0FAKEBOT01';
    this.appId = opts.appId ?? 'A0FAKEAPP01';
    this.scopes = opts.scopes ?? ['commands', 'chat:write', 'im:write', 'users:read'];
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.baseUrl}/api/`;
    this.users.set(this.botUserId, { name: 'questlog', real_name: 'QuestLog', is_bot: true });
    for (const [id, u] of Object.entries(opts.users ?? {})) this.users.set(id, { ...u });
  }

  static async start(opts: SlackFakeOptions = {}): Promise<SlackFake> {
    // eslint-disable-next-line prefer-const -- assigned once the server listens; requests before that get 503
    let fake: SlackFake | undefined;
    const server = createServer((req, res) => {
      if (!fake) {
        reply(res, 503, { ok: false, error: 'starting' });
        return;
      }
      fake.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) reply(res, 500, { ok: false, error: 'fake_internal_error', detail: String(err) });
        else res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    fake = new SlackFake(server, port, opts);
    return fake;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ------------------------------------------------------------------------------------------
  // Configuration
  // ------------------------------------------------------------------------------------------

  /** Adds or replaces a user known to users.info / DMs. */
  setUser(id: string, user: SlackFakeUser): void {
    this.users.set(id, { ...user });
  }

  /** The next call of `method` answers `{ ok: false, error }` (queued: call several times to fail several calls). */
  failNext(method: string, error: string): void {
    const q = this.failures.get(method) ?? [];
    q.push(error);
    this.failures.set(method, q);
  }

  /** The next `n` calls of `method` answer HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(method: string, n = 1, retryAfterSeconds = 1): void {
    this.rateLimits.set(method, { remaining: n, retryAfter: retryAfterSeconds });
  }

  /** Handles `method` with a custom function (also overrides built-in methods). */
  handleMethod(method: string, handler: CustomHandler): void {
    this.customHandlers.set(method, handler);
  }

  /** Every later call with this token answers `invalid_auth` (e.g. app uninstalled / token revoked). */
  revokeToken(token: string): void {
    this.revokedTokens.add(token);
  }

  /** oauth.v2.access with this `code` installs into the given team instead of the default one. */
  setOAuthInstall(code: string, install: { teamId: string; teamName?: string; userId?: string }): void {
    this.oauthInstalls.set(code, {
      teamId: install.teamId,
      teamName: install.teamName ?? `Team ${install.teamId}`,
      userId: install.userId ?? 'U0INSTALLER',
    });
  }

  /** A URL on the fake that acts as a `response_url`: JSON posts to it are recorded. */
  responseUrl(id: string = `r${++this.idCounter}-${randomBytes(4).toString('hex')}`): string {
    return `${this.baseUrl}/response/${encodeURIComponent(id)}`;
  }

  /** Later posts to this response_url id answer 404 `expired_url`. */
  expireResponseUrl(id: string): void {
    this.expiredResponseUrls.add(id);
  }

  /** Forgets recorded calls, response_url posts, queued failures, messages and views (users stay). */
  reset(): void {
    this.recorded = [];
    this.posts = [];
    this.failures.clear();
    this.rateLimits.clear();
    this.expiredResponseUrls.clear();
    this.messageStore.clear();
    this.views.clear();
    this.fileUploads.clear();
  }

  // ------------------------------------------------------------------------------------------
  // Inspection
  // ------------------------------------------------------------------------------------------

  /** Recorded Web API calls, oldest first (including failed and rate-limited ones: see `status`/`response`). */
  calls(method?: string): SlackFakeCall[] {
    return method === undefined ? [...this.recorded] : this.recorded.filter((c) => c.method === method);
  }

  /** Recorded calls that succeeded (HTTP 200 and ok:true). */
  okCalls(method?: string): SlackFakeCall[] {
    return this.calls(method).filter((c) => c.status === 200 && c.response.ok === true);
  }

  /** Files uploaded through files.uploadV2, in the order their upload URLs were handed out. */
  uploads(): FakeUpload[] {
    return [...this.fileUploads.values()];
  }

  responseUrlPosts(id?: string): ResponseUrlPost[] {
    return id === undefined ? [...this.posts] : this.posts.filter((p) => p.id === id);
  }

  /** Messages as they stand now (posted via chat.postMessage/postEphemeral, edited by chat.update). */
  messages(channel?: string): FakeMessage[] {
    const all = [...this.messageStore.values()];
    return channel === undefined ? all : all.filter((m) => m.channel === channel);
  }

  /** The DM channel id the fake uses for a user (what conversations.open returns). */
  dmChannelFor(userId: string): string {
    const id = `D${userId.replace(/^[UW]/, '')}`;
    this.dmChannels.set(id, userId);
    return id;
  }

  /** Polls `predicate` every 20 ms until it returns a truthy value (returned), or throws after `timeoutMs`. */
  async waitFor<T>(predicate: (fake: SlackFake) => T | Promise<T>, timeoutMs = 5000): Promise<NonNullable<T>> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const v = await predicate(this);
        if (v) return v as NonNullable<T>;
        lastError = undefined;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seen = this.recorded.map((c) => `${c.method}(${c.status}${c.response.ok ? '' : ` ${c.response.error}`})`);
    throw new Error(
      `SlackFake.waitFor timed out after ${timeoutMs} ms` +
        (lastError ? ` (last predicate error: ${String(lastError)})` : '') +
        `; calls so far: [${seen.join(', ')}]; response_url posts: ${this.posts.length}`,
    );
  }

  /** Waits for the first call of `method` (matching `match`, if given) and returns it. */
  async waitForCall(method: string, match: (c: SlackFakeCall) => boolean = () => true, timeoutMs = 5000): Promise<SlackFakeCall> {
    return this.waitFor(() => this.recorded.find((c) => c.method === method && match(c)), timeoutMs);
  }

  // ------------------------------------------------------------------------------------------
  // HTTP
  // ------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname.startsWith('/upload/')) {
      // files.uploadV2 step 2: the bytes go to the URL getUploadURLExternal returned (any body encoding).
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upload = this.fileUploads.get(decodeURIComponent(url.pathname.slice('/upload/'.length)));
      if (!upload) {
        res.writeHead(404).end('not found');
        return;
      }
      upload.data = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${upload.data.length}`);
      return;
    }
    const raw = await readBody(req);

    if (url.pathname.startsWith('/response/')) {
      this.handleResponseUrl(decodeURIComponent(url.pathname.slice('/response/'.length)), req, raw, res);
      return;
    }
    if (!url.pathname.startsWith('/api/')) {
      reply(res, 404, { ok: false, error: 'not_found' });
      return;
    }
    const method = url.pathname.slice('/api/'.length);
    const args = this.decodeArgs(req, raw, url);
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    const call: SlackFakeCall = { method, args, token, at: Date.now(), status: 200, response: {} };
    this.recorded.push(call);

    const perSecond = this.methodLimits[method];
    if (perSecond) {
      const now = Date.now();
      const window = (this.windows.get(method) ?? []).filter((t) => t > now - 1000);
      this.windows.set(method, window);
      if (window.length >= perSecond) {
        this.rateLimited++;
        call.status = 429;
        call.response = { ok: false, error: 'ratelimited' };
        reply(res, 429, call.response, { 'retry-after': String(Math.max(1, Math.ceil((window[0]! + 1000 - now) / 1000))) });
        return;
      }
      window.push(now);
    }

    const limit = this.rateLimits.get(method);
    if (limit && limit.remaining > 0) {
      limit.remaining -= 1;
      if (limit.remaining === 0) this.rateLimits.delete(method);
      call.status = 429;
      call.response = { ok: false, error: 'ratelimited' };
      reply(res, 429, call.response, { 'retry-after': String(limit.retryAfter) });
      return;
    }

    call.response = await this.dispatch(method, args, token);
    reply(res, 200, call.response);
  }

  private decodeArgs(req: IncomingMessage, raw: string, url: URL): Record<string, any> {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    let args: Record<string, any> = {};
    if (contentType === 'application/json') {
      try {
        const parsed: unknown = JSON.parse(raw || '{}');
        if (parsed && typeof parsed === 'object') args = parsed as Record<string, any>;
      } catch {
        args = { _raw: raw };
      }
    } else if (contentType === 'application/x-www-form-urlencoded' || contentType === '') {
      for (const [k, v] of new URLSearchParams(raw)) args[k] = v;
    } else {
      args = { _raw: raw, _contentType: contentType };
    }
    for (const [k, v] of url.searchParams) if (!(k in args)) args[k] = v;
    for (const k of Object.keys(args)) {
      const v = args[k];
      if (JSON_FIELDS.has(k) && typeof v === 'string' && /^\s*[[{]/.test(v)) {
        try {
          args[k] = JSON.parse(v);
        } catch {
          // leave as sent
        }
      }
    }
    return args;
  }

  private handleResponseUrl(id: string, req: IncomingMessage, raw: string, res: ServerResponse): void {
    let body: any = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // Slack requires JSON; keep the raw text so the test can see what was sent
    }
    const used = this.posts.filter((p) => p.id === id && p.status === 200).length;
    const post: ResponseUrlPost = { id, body, raw, at: Date.now(), status: 200 };
    this.posts.push(post);
    if (req.method !== 'POST') {
      post.status = 405;
      reply(res, 405, { ok: false, error: 'method_not_allowed' });
    } else if (this.expiredResponseUrls.has(id)) {
      post.status = 404;
      reply(res, 404, { ok: false, error: 'expired_url' });
    } else if (used >= RESPONSE_URL_MAX_POSTS) {
      post.status = 404;
      reply(res, 404, { ok: false, error: 'used_url' });
    } else {
      reply(res, 200, { ok: true });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Methods
  // ------------------------------------------------------------------------------------------

  private async dispatch(method: string, args: Record<string, any>, token: string | undefined): Promise<Record<string, any>> {
    const custom = this.customHandlers.get(method);
    const failures = this.failures.get(method);
    if (failures && failures.length > 0) {
      const error = failures.shift() as string;
      if (failures.length === 0) this.failures.delete(method);
      return { ok: false, error };
    }
    if (method !== 'oauth.v2.access') {
      if (!token) return { ok: false, error: 'not_authed' };
      if (this.revokedTokens.has(token)) return { ok: false, error: 'invalid_auth' };
    }
    if (custom) return custom(args, { token, fake: this });

    switch (method) {
      case 'auth.test':
        return this.authTest(token);
      case 'chat.postMessage':
        return this.chatPostMessage(args);
      case 'chat.update':
        return this.chatUpdate(args);
      case 'chat.postEphemeral':
        return this.chatPostEphemeral(args);
      case 'views.open':
      case 'views.push':
        return this.viewsOpen(args);
      case 'views.update':
        return this.viewsUpdate(args);
      case 'views.publish':
        return this.viewsPublish(args);
      case 'users.info':
        return this.usersInfo(args);
      case 'conversations.open':
        return this.conversationsOpen(args);
      case 'oauth.v2.access':
        return this.oauthV2Access(args);
      case 'apps.connections.open':
        return this.appsConnectionsOpen(token);
      case 'files.getUploadURLExternal':
        return this.filesGetUploadUrl(args);
      case 'files.completeUploadExternal':
        return this.filesCompleteUpload(args);
      default:
        return { ok: false, error: 'unknown_method', req_method: method };
    }
  }

  private nextTs(): string {
    const sec = Math.floor(Date.now() / 1000);
    if (sec > this.lastTsSecond) {
      this.lastTsSecond = sec;
      this.tsCounter = 0;
    }
    this.tsCounter += 1;
    return `${this.lastTsSecond}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private nextId(prefix: string): string {
    this.idCounter += 1;
    return `${prefix}0${randomBytes(4).toString('hex').toUpperCase()}${this.idCounter}`;
  }

  private authTest(token: string | undefined): Record<string, any> {
    const teamId = (token && this.tokenTeams.get(token)) ?? this.teamId;
    return {
      ok: true,
      url: `https://${this.teamDomain}.slack.com/`,
      team: teamId === this.teamId ? this.teamName : `Team ${teamId}`,
      user: 'questlog',
      team_id: teamId,
      user_id: this.botUserId,
      bot_id: this.botId,
      is_enterprise_install: false,
    };
  }

  /** Resolves a channel argument; user ids and DM ids of known users are checked for existence/deletion. */
  private resolveTarget(channel: string): { channel: string } | { error: string } {
    let userId: string | undefined;
    let dm = channel;
    if (/^[UW][A-Z0-9]+$/.test(channel)) {
      userId = channel;
      dm = this.dmChannelFor(channel);
    } else if (this.dmChannels.has(channel)) {
      userId = this.dmChannels.get(channel);
    }
    if (userId !== undefined) {
      const user = this.users.get(userId);
      if (!user) return { error: 'user_not_found' };
      if (user.deleted) return { error: 'account_inactive' };
    }
    return { channel: dm };
  }

  private checkUser(userId: unknown): string | undefined {
    if (typeof userId !== 'string' || userId === '') return 'invalid_arguments';
    const user = this.users.get(userId);
    if (!user) return 'user_not_found';
    if (user.deleted) return 'account_inactive';
    return undefined;
  }

  private botMessage(text: unknown, blocks: unknown, ts: string, extra: Record<string, unknown> = {}): Record<string, any> {
    const msg: Record<string, any> = {
      user: this.botUserId,
      type: 'message',
      ts,
      bot_id: this.botId,
      app_id: this.appId,
      text: typeof text === 'string' ? text : '',
      team: this.teamId,
      bot_profile: { id: this.botId, app_id: this.appId, name: 'QuestLog', team_id: this.teamId, deleted: false },
      ...extra,
    };
    if (blocks !== undefined) msg.blocks = blocks;
    return msg;
  }

  private chatPostMessage(args: Record<string, any>): Record<string, any> {
    if (typeof args.channel !== 'string' || args.channel === '') return { ok: false, error: 'channel_not_found' };
    if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) {
      return { ok: false, error: 'no_text' };
    }
    const target = this.resolveTarget(args.channel);
    if ('error' in target) return { ok: false, error: target.error };
    const ts = this.nextTs();
    const extra: Record<string, unknown> = {};
    if (typeof args.thread_ts === 'string') extra.thread_ts = args.thread_ts;
    if (args.metadata !== undefined) extra.metadata = args.metadata;
    const message = this.botMessage(args.text, args.blocks, ts, extra);
    this.messageStore.set(`${target.channel}:${ts}`, {
      channel: target.channel,
      ts,
      text: args.text,
      blocks: args.blocks,
      thread_ts: args.thread_ts,
    });
    return { ok: true, channel: target.channel, ts, message };
  }

  private chatUpdate(args: Record<string, any>): Record<string, any> {
    if (typeof args.channel !== 'string' || args.channel === '') return { ok: false, error: 'channel_not_found' };
    if (typeof args.ts !== 'string' || args.ts === '') return { ok: false, error: 'message_not_found' };
    const key = `${args.channel}:${args.ts}`;
    const existing = this.messageStore.get(key);
    // Lenient: messages the fake never saw (e.g. from a hand-built block_actions body) can still be updated.
    const updated: FakeMessage = {
      ...(existing ?? { channel: args.channel, ts: args.ts }),
      ...(args.text !== undefined ? { text: args.text } : {}),
      ...(args.blocks !== undefined ? { blocks: args.blocks } : {}),
      updated: Date.now(),
    };
    this.messageStore.set(key, updated);
    return {
      ok: true,
      channel: args.channel,
      ts: args.ts,
      text: updated.text ?? '',
      message: this.botMessage(updated.text, updated.blocks, args.ts, {
        edited: { user: this.botUserId, ts: this.nextTs() },
      }),
    };
  }

  private chatPostEphemeral(args: Record<string, any>): Record<string, any> {
    if (typeof args.channel !== 'string' || args.channel === '') return { ok: false, error: 'channel_not_found' };
    const userError = this.checkUser(args.user);
    if (userError) return { ok: false, error: userError };
    if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) {
      return { ok: false, error: 'no_text' };
    }
    const ts = this.nextTs();
    this.messageStore.set(`${args.channel}:${ts}`, {
      channel: args.channel,
      ts,
      text: args.text,
      blocks: args.blocks,
      user: args.user,
      ephemeral: true,
    });
    return { ok: true, message_ts: ts };
  }

  private buildView(view: Record<string, any>, id: string, previous?: Record<string, any>): Record<string, any> {
    return {
      id,
      team_id: this.teamId,
      type: view.type ?? previous?.type ?? 'modal',
      blocks: view.blocks ?? [],
      private_metadata: view.private_metadata ?? '',
      callback_id: view.callback_id ?? '',
      state: { values: {} },
      hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
      title: view.title ?? null,
      clear_on_close: view.clear_on_close ?? false,
      notify_on_close: view.notify_on_close ?? false,
      close: view.close ?? null,
      submit: view.submit ?? null,
      previous_view_id: null,
      root_view_id: previous?.root_view_id ?? id,
      app_id: this.appId,
      external_id: view.external_id ?? previous?.external_id ?? '',
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
    };
  }

  private viewsOpen(args: Record<string, any>): Record<string, any> {
    if (!args.trigger_id && !args.interactivity_pointer) {
      return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } };
    }
    if (!args.view || typeof args.view !== 'object') {
      return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: view'] } };
    }
    const id = this.nextId('V');
    const view = this.buildView(args.view, id);
    this.views.set(id, view);
    return { ok: true, view };
  }

  private viewsUpdate(args: Record<string, any>): Record<string, any> {
    if (!args.view || typeof args.view !== 'object') {
      return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: view'] } };
    }
    let id: string | undefined = typeof args.view_id === 'string' ? args.view_id : undefined;
    if (!id && typeof args.external_id === 'string') {
      id = [...this.views.values()].find((v) => v.external_id === args.external_id)?.id;
      if (!id) return { ok: false, error: 'not_found' };
    }
    if (!id) return { ok: false, error: 'invalid_arguments' };
    // Lenient: unknown view ids (e.g. from a hand-built view_submission body) are accepted.
    const view = this.buildView(args.view, id, this.views.get(id));
    this.views.set(id, view);
    return { ok: true, view };
  }

  private viewsPublish(args: Record<string, any>): Record<string, any> {
    const userError = this.checkUser(args.user_id);
    if (userError) return { ok: false, error: userError };
    if (!args.view || typeof args.view !== 'object') {
      return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: view'] } };
    }
    const homeKey = `home:${args.user_id}`;
    const previous = this.views.get(homeKey);
    const id = previous?.id ?? this.nextId('V');
    const view = this.buildView({ ...args.view, type: args.view.type ?? 'home' }, id, previous);
    this.views.set(homeKey, view);
    this.views.set(id, view);
    return { ok: true, view };
  }

  private usersInfo(args: Record<string, any>): Record<string, any> {
    const id = args.user;
    if (typeof id !== 'string' || id === '') return { ok: false, error: 'user_not_found' };
    const u = this.users.get(id);
    if (!u) return { ok: false, error: 'user_not_found' };
    const tz = u.tz ?? 'UTC';
    const { tz_offset, tz_label } = tzInfo(tz);
    const name = u.name ?? id.toLowerCase();
    const realName = u.real_name ?? name;
    const displayName = u.display_name ?? name;
    return {
      ok: true,
      user: {
        id,
        team_id: this.teamId,
        name,
        deleted: u.deleted ?? false,
        color: '9f69e7',
        real_name: realName,
        tz,
        tz_label,
        tz_offset,
        profile: {
          title: '',
          phone: '',
          skype: '',
          real_name: realName,
          real_name_normalized: realName,
          display_name: displayName,
          display_name_normalized: displayName,
          email: u.email,
          status_text: '',
          status_emoji: '',
          avatar_hash: 'g0000000000',
          team: this.teamId,
        },
        is_admin: false,
        is_owner: false,
        is_primary_owner: false,
        is_restricted: false,
        is_ultra_restricted: false,
        is_bot: u.is_bot ?? false,
        is_app_user: false,
        updated: Math.floor(Date.now() / 1000),
      },
    };
  }

  private conversationsOpen(args: Record<string, any>): Record<string, any> {
    if (typeof args.channel === 'string' && args.channel !== '') {
      return { ok: true, no_op: true, already_open: true, channel: { id: args.channel } };
    }
    let ids: string[] = [];
    if (Array.isArray(args.users)) ids = args.users.map(String);
    else if (typeof args.users === 'string') {
      const s = args.users.trim();
      if (s.startsWith('[')) {
        try {
          ids = (JSON.parse(s) as unknown[]).map(String);
        } catch {
          ids = [];
        }
      } else
        ids = s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
    }
    if (ids.length === 0) return { ok: false, error: 'users_list_not_supplied' };
    for (const id of ids) if (!this.users.has(id)) return { ok: false, error: 'user_not_found' };
    if (ids.length > 8) return { ok: false, error: 'too_many_users' };
    if (ids.length === 1) {
      const id = this.dmChannelFor(ids[0]);
      return { ok: true, no_op: false, already_open: false, channel: { id, is_im: true, user: ids[0], created: Math.floor(Date.now() / 1000) } };
    }
    return { ok: true, channel: { id: `G${ids.map((i) => i.slice(1, 4)).join('')}`, is_mpim: true } };
  }

  private oauthV2Access(args: Record<string, any>): Record<string, any> {
    if (typeof args.code !== 'string' || args.code === '') return { ok: false, error: 'invalid_code' };
    const install: OAuthInstall = this.oauthInstalls.get(args.code) ?? {
      teamId: this.teamId,
      teamName: this.teamName,
      userId: 'U0INSTALLER',
    };
    const suffix = randomBytes(12).toString('hex');
    const botToken = `xoxb-${install.teamId}-${suffix}`;
    const userToken = `xoxp-${install.teamId}-${suffix}`;
    this.tokenTeams.set(botToken, install.teamId);
    this.tokenTeams.set(userToken, install.teamId);
    return {
      ok: true,
      app_id: this.appId,
      authed_user: { id: install.userId, scope: 'identity.basic', access_token: userToken, token_type: 'user' },
      scope: this.scopes.join(','),
      token_type: 'bot',
      access_token: botToken,
      bot_user_id: this.botUserId,
      team: { id: install.teamId, name: install.teamName },
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  private filesGetUploadUrl(args: Record<string, any>): Record<string, any> {
    if (typeof args.filename !== 'string' || args.filename === '' || !(Number(args.length) > 0)) {
      return { ok: false, error: 'invalid_arguments' };
    }
    const fileId = this.nextId('F');
    this.fileUploads.set(fileId, { fileId, filename: args.filename, completed: false });
    return { ok: true, upload_url: `${this.baseUrl}/upload/${fileId}`, file_id: fileId };
  }

  private filesCompleteUpload(args: Record<string, any>): Record<string, any> {
    const files = (Array.isArray(args.files) ? args.files : []) as Array<{ id?: string; title?: string }>;
    if (!files.length) return { ok: false, error: 'invalid_arguments' };
    for (const file of files) {
      const upload = file.id ? this.fileUploads.get(file.id) : undefined;
      if (!upload?.data) return { ok: false, error: 'file_not_found' };
    }
    if (typeof args.channel_id === 'string' && args.channel_id !== '') {
      const target = this.resolveTarget(args.channel_id);
      if ('error' in target) return { ok: false, error: target.error };
    }
    return {
      ok: true,
      files: files.map((file) => {
        const upload = this.fileUploads.get(file.id!)!;
        upload.completed = true;
        upload.channelId = typeof args.channel_id === 'string' ? args.channel_id : undefined;
        upload.title = file.title;
        return { id: upload.fileId, title: file.title ?? upload.filename, name: upload.filename };
      }),
    };
  }

  private appsConnectionsOpen(token: string | undefined): Record<string, any> {
    if (!token?.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
    // Nothing on the fake accepts WebSocket upgrades: this only satisfies the call itself.
    return { ok: true, url: `ws://127.0.0.1:${new URL(this.baseUrl).port}/link/?ticket=${randomBytes(8).toString('hex')}&app_id=${this.appId}` };
  }
}
