import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('defaults to local mode with the console', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, dataDir: './.questlog', console: true, logLevel: 'info' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.discord).toMatchObject({ gateway: false, apiUrl: 'https://discord.com/api' });
    expect(config.slack).toMatchObject({ enabled: false, apiUrl: 'https://slack.com/api/' });
  });

  it('turns the console off when a platform is configured and gateway on with a token', () => {
    const config = loadConfig({ DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '123456789012345678' });
    expect(config.console).toBe(false);
    expect(config.discord.gateway).toBe(true);
    expect(loadConfig({ DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '123456789012345678', DISCORD_GATEWAY: 'off' }).discord.gateway).toBe(false);
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be a port number between 0 and 65535 \(got "abc"\)$/],
    [{ PORT: '70000' }, /PORT must be a port number/],
    [{ DATABASE_URL: 'nonsense' }, /^Invalid configuration: DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\//],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL must be a URL starting with redis:\/\/ or rediss:\/\//],
    [{ DISCORD_GATEWAY: 'maybe' }, /DISCORD_GATEWAY must be one of on, off/],
    [{ QUESTLOG_CONSOLE: 'yes' }, /QUESTLOG_CONSOLE must be one of on, off/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ DISCORD_TOKEN: 'x' }, /DISCORD_APPLICATION_ID is required when DISCORD_TOKEN is set/],
    [{ DISCORD_PUBLIC_KEY: 'zz' }, /DISCORD_PUBLIC_KEY must be 64 hex characters/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /SLACK_SIGNING_SECRET is required/],
    [{ SLACK_BOT_TOKEN: 'nope', SLACK_SIGNING_SECRET: 's' }, /SLACK_BOT_TOKEN must be a bot token starting with xoxb-/],
    [{ SLACK_CLIENT_ID: 'a', SLACK_SIGNING_SECRET: 's' }, /SLACK_CLIENT_SECRET is required for the OAuth install flow/],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    [{ DATABASE_URL: 'mysql://bob:hunter2@db/questlog' }],
    [{ REDIS_URL: 'http://:hunter2@cache:6379' }],
    [{ OPENAI_BASE_URL: 'ftp://key:hunter2@llm.example/v1' }],
  ])('shows a bad URL without its password: %o', (env) => {
    expect(() => loadConfig(env)).toThrow(/:\*\*\*@/);
    expect(() => loadConfig(env)).toThrow(/^(?!.*hunter2).*$/);
  });

  it('takes METRICS_TOKEN and refuses a short one', () => {
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(32) }).metricsToken).toBe('a'.repeat(32));
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
  });

  it('never echoes secrets in the error', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'super-secret-value', SLACK_SIGNING_SECRET: 's' })).toThrow(/^(?!.*super-secret-value).*$/);
  });
});
