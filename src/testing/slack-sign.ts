/**
 * Signing helpers and realistic request-body builders for driving the REAL Bolt app in tests.
 *
 * Slack signs every request it sends to an app:
 *   X-Slack-Request-Timestamp: <unix seconds>
 *   X-Slack-Signature: v0=<hex HMAC-SHA256(signingSecret, `v0:${timestamp}:${rawBody}`)>
 * Bolt (5.1) rejects with 401 when the signature is wrong, a header is missing, or the timestamp is more
 * than 5 minutes in the past (future timestamps are NOT rejected).
 *
 * Content types matter: Bolt's HTTPReceiver compares the content-type header with
 * `=== 'application/x-www-form-urlencoded'`, so a `; charset=utf-8` suffix makes it JSON.parse a form body
 * (400). `postSigned` therefore sends exactly the bare content types below.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
export const JSON_CONTENT_TYPE = 'application/json';

export interface SlackSignatureHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Computes Slack's v0 request signature headers for `rawBody` (the exact bytes that will be sent). */
export function signSlackRequest(signingSecret: string, rawBody: string, timestamp: number = nowSeconds()): SlackSignatureHeaders {
  const ts = String(timestamp);
  const hash = createHmac('sha256', signingSecret).update(`v0:${ts}:${rawBody}`).digest('hex');
  return { 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${hash}` };
}

// ---------------------------------------------------------------------------------------------
// Defaults shared by the builders
// ---------------------------------------------------------------------------------------------

export const DEFAULT_API_APP_ID = 'A0FAKEAPP01';
export const DEFAULT_VERIFICATION_TOKEN = 'fake-verification-token';
export const DEFAULT_TEAM_DOMAIN = 'questlog-test';
export const DEFAULT_CHANNEL_ID = 'C0FAKECHAN1';
export const DEFAULT_CHANNEL_NAME = 'general';
export const DEFAULT_BOT_USER_ID = 'U0FAKEBOT01';

let idCounter = 0;
function randomDigits(n: number): string {
  let out = '';
  const bytes = randomBytes(n);
  for (let i = 0; i < n; i += 1) out += String(bytes[i] % 10);
  return out;
}
/** A trigger id shaped like Slack's: `<digits>.<digits>.<hex>`. */
export function fakeTriggerId(): string {
  idCounter += 1;
  return `${randomDigits(13)}.${randomDigits(12)}.${randomBytes(16).toString('hex')}${idCounter}`;
}
/** An action_ts / message ts shaped like Slack's: `<seconds>.<6 digits>`. */
export function fakeTs(): string {
  return `${nowSeconds()}.${randomDigits(6)}`;
}
export function fakeEventId(): string {
  idCounter += 1;
  return `Ev${randomBytes(5).toString('hex').toUpperCase()}${idCounter}`;
}

// ---------------------------------------------------------------------------------------------
// Slash commands (form-encoded, field order as Slack sends them)
// ---------------------------------------------------------------------------------------------

export interface SlashCommandBodyOptions {
  teamId: string;
  userId: string;
  command: string;
  text?: string;
  responseUrl: string;
  triggerId?: string;
  channelId?: string;
  channelName?: string;
  userName?: string;
  teamDomain?: string;
  apiAppId?: string;
  token?: string;
  isEnterpriseInstall?: boolean;
}

/** A slash command request body, form-encoded exactly like Slack sends it. */
export function slashCommandBody(o: SlashCommandBodyOptions): string {
  const params = new URLSearchParams();
  params.append('token', o.token ?? DEFAULT_VERIFICATION_TOKEN);
  params.append('team_id', o.teamId);
  params.append('team_domain', o.teamDomain ?? DEFAULT_TEAM_DOMAIN);
  params.append('channel_id', o.channelId ?? DEFAULT_CHANNEL_ID);
  params.append('channel_name', o.channelName ?? DEFAULT_CHANNEL_NAME);
  params.append('user_id', o.userId);
  params.append('user_name', o.userName ?? o.userId.toLowerCase());
  params.append('command', o.command);
  params.append('text', o.text ?? '');
  params.append('api_app_id', o.apiAppId ?? DEFAULT_API_APP_ID);
  params.append('is_enterprise_install', String(o.isEnterpriseInstall ?? false));
  params.append('response_url', o.responseUrl);
  params.append('trigger_id', o.triggerId ?? fakeTriggerId());
  return params.toString();
}

// ---------------------------------------------------------------------------------------------
// Interactivity: block_actions and view_submission (form body with a single `payload` JSON field)
// ---------------------------------------------------------------------------------------------

export function interactivityFormBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/**
 * e.g. `{ type: 'message', message_ts, channel_id, is_ephemeral }` or `{ type: 'view', view_id }`.
 */
export type BlockActionsContainer = { type: string; [key: string]: unknown };

export interface BlockActionsBodyOptions {
  teamId: string;
  userId: string;
  actionId: string;
  value?: string;
  /** Omit for actions in modals / App Home, which carry no response_url. */
  responseUrl?: string;
  triggerId?: string;
  /** Defaults to a non-ephemeral message container in `channelId`. */
  container?: BlockActionsContainer;
  blockId?: string;
  channelId?: string;
  channelName?: string;
  userName?: string;
  teamDomain?: string;
  apiAppId?: string;
  token?: string;
  /** Extra fields merged into the action (e.g. `selected_option` for a static_select). */
  action?: Record<string, unknown>;
  /** Overrides the action type (default 'button'). */
  actionType?: string;
  /** The message the button sits on (message containers); a minimal one is generated by default. */
  message?: Record<string, unknown>;
  /** The view the button sits on (view containers). */
  view?: Record<string, unknown>;
  /** state.values of the surface (inputs filled in on the message / view). */
  stateValues?: Record<string, Record<string, unknown>>;
}

/** The parsed block_actions payload (before form encoding). */
export function blockActionsPayload(o: BlockActionsBodyOptions): Record<string, unknown> {
  const channelId = o.channelId ?? DEFAULT_CHANNEL_ID;
  const container: BlockActionsContainer = o.container ?? { type: 'message', message_ts: fakeTs(), channel_id: channelId, is_ephemeral: false };
  const isView = container.type === 'view';
  const blockId = o.blockId ?? 'actions';
  const action: Record<string, unknown> = {
    action_id: o.actionId,
    block_id: blockId,
    text: { type: 'plain_text', text: o.actionId, emoji: true },
    value: o.value,
    type: o.actionType ?? 'button',
    action_ts: fakeTs(),
    ...o.action,
  };
  if (action.value === undefined) delete action.value;
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: {
      id: o.userId,
      username: o.userName ?? o.userId.toLowerCase(),
      name: o.userName ?? o.userId.toLowerCase(),
      team_id: o.teamId,
    },
    api_app_id: o.apiAppId ?? DEFAULT_API_APP_ID,
    token: o.token ?? DEFAULT_VERIFICATION_TOKEN,
    container,
    trigger_id: o.triggerId ?? fakeTriggerId(),
    team: { id: o.teamId, domain: o.teamDomain ?? DEFAULT_TEAM_DOMAIN },
    enterprise: null,
    is_enterprise_install: false,
    state: { values: o.stateValues ?? {} },
    actions: [action],
  };
  if (!isView) {
    payload.channel = { id: channelId, name: o.channelName ?? DEFAULT_CHANNEL_NAME };
    const messageTs = typeof container.message_ts === 'string' ? container.message_ts : fakeTs();
    payload.message = o.message ?? {
      type: 'message',
      subtype: 'bot_message',
      text: 'message with buttons',
      ts: messageTs,
      bot_id: 'B0FAKEBOT01',
      blocks: [{ type: 'actions', block_id: blockId, elements: [] }],
    };
  } else {
    payload.view = o.view ?? {
      id: typeof container.view_id === 'string' ? container.view_id : 'V0FAKEVIEW1',
      team_id: o.teamId,
      type: 'home',
      blocks: [],
      private_metadata: '',
      callback_id: '',
      state: { values: o.stateValues ?? {} },
      hash: `${nowSeconds()}.abcdef`,
      app_id: o.apiAppId ?? DEFAULT_API_APP_ID,
    };
  }
  if (o.responseUrl !== undefined) payload.response_url = o.responseUrl;
  return payload;
}

/** A block_actions request body: `payload=<json>` form-encoded. */
export function blockActionsBody(o: BlockActionsBodyOptions): string {
  return interactivityFormBody(blockActionsPayload(o));
}

/** A state value: a bare string is shorthand for a plain_text_input; objects are passed through. */
export type ViewStateValue = string | ({ type: string } & Record<string, unknown>);

export interface ViewSubmissionBodyOptions {
  teamId: string;
  userId: string;
  callbackId: string;
  privateMetadata?: string;
  /** block_id -> action_id -> value */
  values?: Record<string, Record<string, ViewStateValue>>;
  viewId?: string;
  triggerId?: string;
  userName?: string;
  teamDomain?: string;
  apiAppId?: string;
  token?: string;
  botId?: string;
  /** The modal's blocks (optional; Bolt does not need them). */
  blocks?: unknown[];
  /** response_urls (only for modals with response_url_enabled inputs). */
  responseUrls?: { block_id: string; action_id: string; channel_id: string; response_url: string }[];
}

export function viewSubmissionPayload(o: ViewSubmissionBodyOptions): Record<string, unknown> {
  const values: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [blockId, actions] of Object.entries(o.values ?? {})) {
    values[blockId] = {};
    for (const [actionId, v] of Object.entries(actions)) {
      values[blockId][actionId] = typeof v === 'string' ? { type: 'plain_text_input', value: v } : { ...v };
    }
  }
  const viewId = o.viewId ?? 'V0FAKEVIEW1';
  const appId = o.apiAppId ?? DEFAULT_API_APP_ID;
  return {
    type: 'view_submission',
    team: { id: o.teamId, domain: o.teamDomain ?? DEFAULT_TEAM_DOMAIN },
    user: {
      id: o.userId,
      username: o.userName ?? o.userId.toLowerCase(),
      name: o.userName ?? o.userId.toLowerCase(),
      team_id: o.teamId,
    },
    api_app_id: appId,
    token: o.token ?? DEFAULT_VERIFICATION_TOKEN,
    trigger_id: o.triggerId ?? fakeTriggerId(),
    view: {
      id: viewId,
      team_id: o.teamId,
      type: 'modal',
      blocks: o.blocks ?? [],
      private_metadata: o.privateMetadata ?? '',
      callback_id: o.callbackId,
      state: { values },
      hash: `${nowSeconds()}.${randomBytes(4).toString('hex')}`,
      title: { type: 'plain_text', text: 'Modal', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel', emoji: true },
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: appId,
      external_id: '',
      app_installed_team_id: o.teamId,
      bot_id: o.botId ?? 'B0FAKEBOT01',
    },
    response_urls: o.responseUrls ?? [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** A view_submission request body: `payload=<json>` form-encoded. */
export function viewSubmissionBody(o: ViewSubmissionBodyOptions): string {
  return interactivityFormBody(viewSubmissionPayload(o));
}

// ---------------------------------------------------------------------------------------------
// Events API (JSON)
// ---------------------------------------------------------------------------------------------

export interface EventBodyOptions {
  teamId: string;
  event: Record<string, unknown> & { type: string };
  eventId?: string;
  eventTime?: number;
  apiAppId?: string;
  token?: string;
  /** The installing bot user (authorizations[0].user_id). */
  botUserId?: string;
}

export function eventPayload(o: EventBodyOptions): Record<string, unknown> {
  return {
    token: o.token ?? DEFAULT_VERIFICATION_TOKEN,
    team_id: o.teamId,
    context_team_id: o.teamId,
    context_enterprise_id: null,
    api_app_id: o.apiAppId ?? DEFAULT_API_APP_ID,
    event: o.event,
    type: 'event_callback',
    event_id: o.eventId ?? fakeEventId(),
    event_time: o.eventTime ?? nowSeconds(),
    authorizations: [
      {
        enterprise_id: null,
        team_id: o.teamId,
        user_id: o.botUserId ?? DEFAULT_BOT_USER_ID,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(`${o.teamId}:${o.event.type}`).toString('base64url')}`,
  };
}

/** An event_callback envelope as a JSON string. */
export function eventBody(o: EventBodyOptions): string {
  return JSON.stringify(eventPayload(o));
}

/** The url_verification handshake Slack sends when the Request URL is saved. */
export function urlVerificationBody(challenge: string, token = DEFAULT_VERIFICATION_TOKEN): string {
  return JSON.stringify({ token, challenge, type: 'url_verification' });
}

// ---------------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------------

export interface PostSignedOptions {
  body: string;
  /** Defaults to JSON when the body starts with `{`, otherwise form-encoded. */
  contentType?: string;
  signingSecret: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  /** Extra headers (e.g. x-slack-retry-num); they override the computed ones. */
  headers?: Record<string, string>;
  /** Abort after this long (default 10 s). Bolt answers within ~3 s even when nothing acks. */
  timeoutMs?: number;
}

export interface PostSignedResult {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON when it is JSON, else undefined. */
  json: unknown;
}

/** Sends a signed request like Slack would, with a real HTTP request. */
export async function postSigned(url: string, o: PostSignedOptions): Promise<PostSignedResult> {
  const contentType = o.contentType ?? (o.body.trimStart().startsWith('{') ? JSON_CONTENT_TYPE : FORM_CONTENT_TYPE);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signSlackRequest(o.signingSecret, o.body, o.timestamp ?? nowSeconds()),
    ...o.headers,
  };
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body: o.body,
    signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let json: unknown;
  if (text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), text, json };
}
