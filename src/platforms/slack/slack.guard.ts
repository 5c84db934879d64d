import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { json, readBody, tooLarge, BodyTooLargeError } from '../../infra/http/server.js';
import type { KvStore } from '../../infra/kv/kv.js';
import type { Logger } from '../../infra/logger.js';
import { safeError } from '../../core/redact.js';

/** Signed requests older, or further ahead, than this are refused (a captured request cannot be used later). */
export const MAX_SKEW_S = 5 * 60;
/** Longer than the window, so every replay that passes the timestamp check is still remembered. */
const SEEN_TTL_MS = 15 * 60_000;
/** Slack payloads (views included) stay far below this. */
export const MAX_SLACK_BODY = 1024 * 1024;
const MAX_ID = 64;

export interface SlackGuardOptions {
  signingSecret: string;
  kv: KvStore;
  logger: Logger;
  now?: () => number;
}

/**
 * In front of Bolt's HTTP receiver: limits the body before reading it (413),
 * checks the signature and a ±5 minute timestamp window (Bolt accepts
 * timestamps years ahead), refuses a signed request seen before (replay), and
 * answers malformed but signed payloads with a precise 400. Passes the body it
 * read on to Bolt (`rawBody`), which verifies again and dispatches.
 */
export function slackRequestGuard(options: SlackGuardOptions) {
  const now = options.now ?? Date.now;
  return async (req: IncomingMessage, res: ServerResponse, next: () => unknown): Promise<void> => {
    let body: Buffer;
    try {
      body = await readBody(req, MAX_SLACK_BODY);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return tooLarge(req, res, error.limit);
      throw error;
    }
    const text = body.toString('utf8');
    const form = /application\/x-www-form-urlencoded/i.test(String(req.headers['content-type'] ?? ''));
    if (form && parseQuery(text).ssl_check === '1') {
      // Slack's certificate check is unsigned by design; Bolt answers it and drops anything else in it.
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
      await next();
      return;
    }
    const timestamp = header(req, 'x-slack-request-timestamp');
    const signature = header(req, 'x-slack-signature');
    if (!timestamp || !/^\d{1,12}$/.test(timestamp) || Math.abs(now() / 1000 - Number(timestamp)) > MAX_SKEW_S) {
      return json(res, 401, { error: 'request timestamp missing or outside the 5 minute window' });
    }
    if (!signature || !validSignature(options.signingSecret, timestamp, text, signature)) {
      return json(res, 401, { error: 'invalid request signature' });
    }
    const payload = readPayload(text, form);
    if (typeof payload === 'string') return json(res, 400, { error: payload });
    // An identical signature is a replay. Events go on to Bolt all the same: their event_id
    // dedupe answers 200 without running them twice, which is what Slack's retries expect.
    if (!(await firstDelivery(options, signature)) && payload.type !== 'event_callback') {
      return json(res, 409, { error: 'request already handled' });
    }
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    await next();
  };
}

function validSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function firstDelivery(options: SlackGuardOptions, signature: string): Promise<boolean> {
  try {
    return await options.kv.setIfAbsent(`slack:request:${signature.slice(3, 67)}`, '1', SEEN_TTL_MS);
  } catch (error) {
    // Without the store a replay could run twice; refusing every request would be worse.
    options.logger.warn({ err: safeError(error) }, 'slack replay protection unavailable');
    return true;
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_ID;

/** The payload when its shape is one Questlog can answer, else what is wrong with it. */
function readPayload(text: string, form: boolean): Json | string {
  if (form) {
    const query = parseQuery(text);
    if (typeof query.payload === 'string') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(query.payload);
      } catch {
        return 'payload is not JSON';
      }
      if (!isObject(parsed)) return 'payload is not an object';
      return checkInteractive(parsed);
    }
    if (query.command !== undefined) {
      if (typeof query.command !== 'string' || !/^\/\S{1,64}$/.test(query.command)) return 'command is missing or malformed';
      if (!isId(query.user_id)) return 'user_id is missing or longer than 64 characters';
      if (!isId(query.team_id)) return 'team_id is missing or longer than 64 characters';
      if (query.channel_id !== undefined && !isId(query.channel_id)) return 'channel_id is longer than 64 characters';
      if (query.text !== undefined && typeof query.text !== 'string') return 'text must be given once';
      return query as Json;
    }
    return 'neither a command nor an interaction payload';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'body is not JSON';
  }
  if (!isObject(parsed) || typeof parsed.type !== 'string') return 'body is not an event envelope';
  if (parsed.type === 'event_callback') {
    if (!isObject(parsed.event) || typeof parsed.event.type !== 'string') return 'event is missing';
    if (parsed.team_id !== undefined && !isId(parsed.team_id)) return 'team_id is longer than 64 characters';
    if (parsed.event.user !== undefined && !isId(parsed.event.user)) return 'event.user is malformed';
  }
  return parsed;
}

function checkInteractive(payload: Json): Json | string {
  const user = payload.user;
  if (payload.type === 'block_actions' || payload.type === 'view_submission') {
    if (!isObject(user) || !isId(user.id)) return `${payload.type} without a user id (or one longer than 64 characters)`;
    if (user.team_id !== undefined && !isId(user.team_id)) return 'user.team_id is longer than 64 characters';
    if (payload.team !== undefined && payload.team !== null && (!isObject(payload.team) || !isId(payload.team.id))) return 'team is malformed';
  }
  if (payload.type === 'block_actions') {
    if (!Array.isArray(payload.actions) || payload.actions.length === 0 || !payload.actions.every(isObject)) return 'block_actions without actions';
  }
  if (payload.type === 'view_submission') {
    const view = payload.view;
    if (!isObject(view) || !isObject(view.state) || !isObject(view.state.values) || Object.keys(view.state.values).length === 0) {
      return 'view_submission without input values';
    }
    if (typeof view.callback_id !== 'string' || typeof view.private_metadata !== 'string') return 'view_submission without callback_id or private_metadata';
  }
  return payload;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
