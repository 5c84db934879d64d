import { describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { slackManifest } from './slack.manifest.js';

describe('slackManifest', () => {
  const manifest = slackManifest(commands, { baseUrl: 'https://questlog.example.com/' });

  it('has one slash command per top-level spec, within Slack limits, all pointing at /slack/events', () => {
    const slash = manifest.features!.slash_commands!;
    expect(slash.map((c) => c.command)).toEqual(commands.map((c) => `/${c.name}`));
    for (const command of slash) {
      expect(command.command).toMatch(/^\/[a-z0-9_-]{1,31}$/);
      expect(command.description.length).toBeGreaterThan(0);
      expect(command.description.length).toBeLessThanOrEqual(2000);
      expect(command.usage_hint!.length).toBeLessThanOrEqual(1000);
      expect(command.url).toBe('https://questlog.example.com/slack/events');
    }
    expect(slash.find((c) => c.command === '/quest')!.usage_hint).toMatch(/^create \| list \| view/);
  });

  it('subscribes to App Home and uninstall events and points interactivity and OAuth at the app', () => {
    expect(manifest.settings).toMatchObject({
      event_subscriptions: { request_url: 'https://questlog.example.com/slack/events', bot_events: ['app_home_opened', 'app_uninstalled', 'tokens_revoked'] },
      interactivity: { is_enabled: true, request_url: 'https://questlog.example.com/slack/events' },
      socket_mode_enabled: false,
    });
    expect(manifest.oauth_config).toEqual({
      redirect_urls: ['https://questlog.example.com/slack/oauth_redirect'],
      scopes: { bot: ['commands', 'chat:write', 'im:write', 'users:read', 'files:write'] },
    });
    expect(manifest.features!.app_home).toMatchObject({ home_tab_enabled: true });
  });

  it('leaves out request URLs in Socket Mode', () => {
    const socket = slackManifest(commands, { baseUrl: 'https://unused.example', socketMode: true });
    expect(JSON.stringify(socket)).not.toContain('unused.example');
    expect(socket.settings!.socket_mode_enabled).toBe(true);
  });
});
