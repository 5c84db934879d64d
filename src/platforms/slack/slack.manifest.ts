import type { webApi } from '@slack/bolt';
import { usageLine } from '../../core/registry.js';
import type { CommandSpec } from '../../core/spec.js';

export type SlackManifest = webApi.AppsManifestCreateArguments['manifest'];

export const EVENTS_PATH = '/slack/events';
export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

/** Slash commands, DMs by user id (and opening them), users.info for `tz`, chart uploads. */
type Settings = NonNullable<SlackManifest['settings']>;
type BotScopes = NonNullable<NonNullable<NonNullable<SlackManifest['oauth_config']>['scopes']>['bot']>;

export const BOT_SCOPES: BotScopes = ['commands', 'chat:write', 'im:write', 'users:read', 'files:write'];
const BOT_EVENTS: NonNullable<NonNullable<Settings['event_subscriptions']>['bot_events']> = ['app_home_opened', 'app_uninstalled', 'tokens_revoked'];

/** What a user sees under the command name while typing it. */
function usageHint(command: CommandSpec): string {
  const hint = command.subcommands
    ? `${Object.keys(command.subcommands).join(' | ')} … (/questlog help ${command.name})`
    : usageLine(command).replace(/^\/\S+\s*/, '');
  return hint.slice(0, 1000);
}

/**
 * The app manifest (api.slack.com/apps -> "from a manifest"), generated from
 * the same specs as every other platform: one slash command per top-level spec.
 */
export function slackManifest(commands: readonly CommandSpec[], options: { baseUrl: string; socketMode?: boolean; name?: string }): SlackManifest {
  const base = options.baseUrl.replace(/\/+$/, '');
  const url = (path: string) => (options.socketMode ? undefined : `${base}${path}`);
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: options.name ?? 'Questlog',
      description: 'Quests, steps, XP, levels and streaks for getting things done.',
      background_color: '#2c2d30',
    },
    features: {
      app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: true },
      bot_user: { display_name: options.name ?? 'Questlog', always_online: true },
      slash_commands: commands.map((command) => ({
        command: `/${command.name}`,
        description: command.description.slice(0, 2000),
        usage_hint: usageHint(command),
        should_escape: false,
        ...(url(EVENTS_PATH) ? { url: url(EVENTS_PATH) } : {}),
      })),
    },
    oauth_config: {
      ...(options.socketMode ? {} : { redirect_urls: [`${base}${REDIRECT_PATH}`] }),
      scopes: { bot: BOT_SCOPES },
    },
    settings: {
      event_subscriptions: { ...(url(EVENTS_PATH) ? { request_url: url(EVENTS_PATH) } : {}), bot_events: BOT_EVENTS },
      interactivity: { is_enabled: true, ...(url(EVENTS_PATH) ? { request_url: url(EVENTS_PATH) } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: Boolean(options.socketMode),
      token_rotation_enabled: false,
    },
  };
}
