import { z } from 'zod';
import { redactSecrets } from './core/redact.js';

const onOff = z.enum(['on', 'off']);
const optionalText = z.string().trim().min(1).optional();

function urlWithProtocols(protocols: string[]) {
  return z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );
}

const httpUrl = urlWithProtocols(['http:', 'https:']);

const schema = z
  .object({
    DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:']).optional(),
    QUESTLOG_DATA_DIR: z.string().trim().min(1).default('./.questlog'),
    REDIS_URL: urlWithProtocols(['redis:', 'rediss:']).optional(),
    PORT: z
      .string()
      .trim()
      .default('3000')
      .refine((v) => /^\d+$/.test(v) && Number(v) >= 0 && Number(v) <= 65535, 'must be a port number between 0 and 65535')
      .transform(Number),
    DISCORD_TOKEN: optionalText,
    DISCORD_APPLICATION_ID: z
      .string()
      .trim()
      .regex(/^\d{5,25}$/, 'must be a numeric Discord snowflake')
      .optional(),
    DISCORD_PUBLIC_KEY: z
      .string()
      .trim()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (the application public key)')
      .optional(),
    DISCORD_GATEWAY: onOff.optional(),
    DISCORD_API_URL: httpUrl.default('https://discord.com/api'),
    DISCORD_GUILD_ID: z
      .string()
      .trim()
      .regex(/^\d{5,25}$/, 'must be a numeric Discord snowflake')
      .optional(),
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_BOT_TOKEN: z.string().trim().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional(),
    SLACK_APP_TOKEN: z.string().trim().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional(),
    SLACK_CLIENT_ID: optionalText,
    SLACK_CLIENT_SECRET: optionalText,
    SLACK_STATE_SECRET: optionalText,
    SLACK_API_URL: httpUrl.default('https://slack.com/api/'),
    OPENAI_API_KEY: optionalText,
    OPENAI_BASE_URL: httpUrl.optional(),
    OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
    QUESTLOG_CONSOLE: onOff.optional(),
    QUESTLOG_JOBS: onOff.default('on'),
    SMTP_URL: urlWithProtocols(['smtp:', 'smtps:']).optional(),
    SMTP_FROM: z
      .string()
      .trim()
      .regex(/^[^\s@<>]+@[^\s@<>]+$|^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/, 'must be an address such as questlog@example.com or "Questlog <questlog@example.com>"')
      .optional(),
    METRICS_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID) {
      ctx.addIssue({ code: 'custom', path: ['DISCORD_APPLICATION_ID'], message: 'is required when DISCORD_TOKEN is set' });
    }
    if (env.DISCORD_PUBLIC_KEY && !env.DISCORD_APPLICATION_ID) {
      ctx.addIssue({ code: 'custom', path: ['DISCORD_APPLICATION_ID'], message: 'is required when DISCORD_PUBLIC_KEY is set' });
    }
    if (env.DISCORD_GATEWAY === 'on' && !env.DISCORD_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['DISCORD_TOKEN'], message: 'is required when DISCORD_GATEWAY=on' });
    }
    const oauth = [env.SLACK_CLIENT_ID, env.SLACK_CLIENT_SECRET, env.SLACK_STATE_SECRET];
    if (oauth.some(Boolean) && !oauth.every(Boolean)) {
      const missing = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'].find((_, i) => !oauth[i])!;
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is required for the OAuth install flow (set all three SLACK_CLIENT_* / SLACK_STATE_SECRET)' });
    }
    const slackAuth = env.SLACK_BOT_TOKEN || env.SLACK_CLIENT_ID;
    if (slackAuth && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'is required for Slack HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)' });
    }
    if ((env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN) && !slackAuth) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_BOT_TOKEN'],
        message: 'is required with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN (or configure the OAuth install)',
      });
    }
  });

export interface Config {
  databaseUrl?: string;
  dataDir: string;
  redisUrl?: string;
  port: number;
  discord: {
    token?: string;
    applicationId?: string;
    publicKey?: string;
    gateway: boolean;
    apiUrl: string;
    guildId?: string;
  };
  slack: {
    signingSecret?: string;
    botToken?: string;
    appToken?: string;
    clientId?: string;
    clientSecret?: string;
    stateSecret?: string;
    apiUrl: string;
    enabled: boolean;
  };
  openai: { apiKey?: string; baseUrl?: string; model: string };
  console: boolean;
  /** Run the cron jobs and the notification outbox worker in this replica. */
  jobs: boolean;
  /** Email channel for notifications; unset url means no email. */
  smtp: { url?: string; from: string };
  /** Bearer token for GET /metrics; unset: /metrics answers loopback callers only. */
  metricsToken?: string;
  logLevel: string;
}

export class ConfigError extends Error {}

/** Parses the configuration contract (DESIGN §2); the error names the variable and the problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'configuration');
    // A URL is shown without its credentials; secrets are never shown.
    const shown = cleaned[variable] !== undefined && !/TOKEN|SECRET|KEY|PASSWORD/.test(variable) ? ` (got "${redactSecrets(cleaned[variable]!)}")` : '';
    const message = issue.code === 'invalid_value' && 'values' in issue ? `must be one of ${(issue.values as unknown[]).join(', ')}` : issue.message;
    throw new ConfigError(`Invalid configuration: ${variable} ${message}${shown}`);
  }
  const e = result.data;
  const slackEnabled = Boolean(e.SLACK_BOT_TOKEN || e.SLACK_CLIENT_ID);
  const discordEnabled = Boolean(e.DISCORD_TOKEN || e.DISCORD_PUBLIC_KEY);
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    dataDir: e.QUESTLOG_DATA_DIR,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    discord: {
      token: e.DISCORD_TOKEN,
      applicationId: e.DISCORD_APPLICATION_ID,
      publicKey: e.DISCORD_PUBLIC_KEY,
      gateway: (e.DISCORD_GATEWAY ?? (e.DISCORD_TOKEN ? 'on' : 'off')) === 'on',
      apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
      guildId: e.DISCORD_GUILD_ID,
    },
    slack: {
      signingSecret: e.SLACK_SIGNING_SECRET,
      botToken: e.SLACK_BOT_TOKEN,
      appToken: e.SLACK_APP_TOKEN,
      clientId: e.SLACK_CLIENT_ID,
      clientSecret: e.SLACK_CLIENT_SECRET,
      stateSecret: e.SLACK_STATE_SECRET,
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      enabled: slackEnabled,
    },
    openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL },
    console: (e.QUESTLOG_CONSOLE ?? (slackEnabled || discordEnabled ? 'off' : 'on')) === 'on',
    jobs: e.QUESTLOG_JOBS === 'on',
    smtp: { url: e.SMTP_URL, from: e.SMTP_FROM ?? 'Questlog <questlog@localhost>' },
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL,
  });
}

/** Every variable of the configuration contract, as the schema reads them (`.env.example` lists the same). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);
