/**
 * What may reach a log line or a start-up message: URLs without their
 * credentials, no platform tokens, and SQL reduced to its shape (no
 * literals, no parameters, so no quest titles or user ids).
 */

/** `scheme://user:password@host` -> `scheme://user:***@host`; also a bare `scheme://token@host`. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/?#'"]*)(?::([^\s/?#'"]*))?@/gi;
/** Slack tokens (bot, user, app, refresh, config) and bearer headers. */
const TOKENS = /\b(xox[a-z]-|xapp-|xoxe\.xox[a-z]-)[A-Za-z0-9-]+/g;
const BEARER = /\b(Bearer|Bot)\s+[A-Za-z0-9._~+/=-]{8,}/g;
/** An OpenAI-style secret key. */
const API_KEYS = /\bsk-[A-Za-z0-9_-]{8,}/g;

/** Removes URL credentials and tokens from free text. */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_CREDENTIALS, (_m, scheme: string, user: string, password: string | undefined) =>
      password === undefined ? `${scheme}***@` : `${scheme}${user}:***@`,
    )
    .replace(TOKENS, (_m, prefix: string) => `${prefix}***`)
    .replace(BEARER, (_m, kind: string) => `${kind} ***`)
    .replace(API_KEYS, 'sk-***');
}

/**
 * The shape of a SQL statement: string literals, numbers, `$n` parameters
 * and `IN (...)`/`VALUES (...)` lists collapse to `?`, so the text keeps the
 * tables and columns but nothing a user typed. Knex interpolates bindings into
 * its error messages, which is why this works on literals, not just `$n`.
 */
export function sqlShape(sql: string): string {
  const shaped = sql
    .replace(/E?'(?:[^']|'')*'?/g, '?') // string literals (an unterminated one runs to the end)
    .replace(/\$\$[\s\S]*?\$\$/g, '?') // dollar-quoted bodies
    .replace(/\$\d+/g, '?')
    .replace(/(?<![\w"])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w"])/gi, '?')
    .replace(/\(\s*\?(?:\s*,\s*\?)*\s*\)/g, '(?)')
    .replace(/(\(\?\)\s*,\s*)+\(\?\)/g, '(?)')
    .replace(/\s+/g, ' ')
    .trim();
  return shaped.length > 500 ? `${shaped.slice(0, 500)}…` : shaped;
}

/** The first keyword: select, insert, update, delete, begin, commit, ... (a bounded metric label). */
export function sqlKind(sql: string): string {
  const word = /^\s*(?:\/\*[\s\S]*?\*\/\s*)?(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? 'other';
  if (word === 'with') return /\b(insert|update|delete)\b/i.test(sql) ? 'write_cte' : 'select';
  return ['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback', 'savepoint', 'release', 'set', 'lock'].includes(word) ? word : 'other';
}

interface DriverLike {
  name?: string;
  message?: string;
  code?: unknown;
  sqlState?: unknown;
  severity?: unknown;
  routine?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
}

/** A PostgreSQL error as raised by pg (severity/routine) or wrapped by MikroORM (sqlState). */
function isDriverError(error: DriverLike): boolean {
  return typeof error.sqlState === 'string' || typeof error.routine === 'string' || (typeof error.severity === 'string' && typeof error.code === 'string');
}

/** PostgreSQL messages may quote a value (`invalid input syntax for type uuid: "abc"`); keep the sentence only. */
function driverMessage(message: string): string {
  // The first line only: MikroORM appends `detail: Failing row contains (...)`, which is the row's values.
  return message
    .split('\n')[0]!
    .replace(/:\s*".*$/s, ': "?"')
    .replace(/E?'(?:[^']|'')*'?/g, '?');
}

export interface SafeError {
  type: string;
  message: string;
  code?: string;
  sqlState?: string;
  constraint?: string;
  table?: string;
  column?: string;
  /** Driver errors: the statement's shape, never its parameters. */
  statement?: string;
  stack?: string;
  cause?: SafeError;
}

/**
 * What a log line may say about an error: its class, code and message with
 * secrets removed; for database errors the statement shape and the server's
 * sentence, never the values (knex puts them into the message).
 */
export function safeError(error: unknown, depth = 0): SafeError {
  if (isSafeError(error)) return error;
  if (!(error instanceof Error)) return { type: typeof error, message: redactSecrets(String(error)).slice(0, 500) };
  const e = error as Error & DriverLike & { cause?: unknown };
  const type = e.constructor?.name && e.constructor.name !== 'Error' ? e.constructor.name : e.name || 'Error';
  const frames = (e.stack ?? '')
    .split('\n')
    .filter((line) => line.trim().startsWith('at '))
    .slice(0, 15)
    .join('\n');
  const out: SafeError = { type, message: '' };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = String(e.code);
  if (isDriverError(e)) {
    // knex: "<statement with values inlined> - <server message>"; MikroORM then appends
    // "\n - detail: Failing row contains (...)", which is the row's values: dropped.
    const text = (e.message ?? '').replace(/\n - detail: [\s\S]*$/, '');
    const split = text.lastIndexOf(' - ');
    const statement = split > 0 ? text.slice(0, split) : undefined;
    out.message = driverMessage(split > 0 ? text.slice(split + 3) : text);
    if (statement) out.statement = sqlShape(statement);
    if (typeof e.sqlState === 'string') out.sqlState = e.sqlState;
    for (const field of ['constraint', 'table', 'column'] as const) {
      if (typeof e[field] === 'string') out[field] = e[field] as string;
    }
  } else {
    out.message = redactSecrets(looksLikeSql(e.message) ? sqlShape(e.message) : (e.message ?? '')).slice(0, 1000);
  }
  if (frames) out.stack = redactSecrets(frames);
  if (e.cause !== undefined && depth < 3) out.cause = safeError(e.cause, depth + 1);
  return out;
}

function isSafeError(value: unknown): value is SafeError {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as SafeError).type === 'string' &&
    typeof (value as SafeError).message === 'string'
  );
}

function looksLikeSql(text: string | undefined): boolean {
  return Boolean(text && /^\s*(insert into|update\s+\S+\s+set|delete from|select\s.+\sfrom)\b/i.test(text));
}
