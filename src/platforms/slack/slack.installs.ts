import type { AuthorizeResult, AuthorizeSourceData, Installation, InstallationQuery, InstallationStore, webApi } from '@slack/bolt';
import type { SlackInstallationPort } from '../../core/ports.js';

const CACHE_TTL_MS = 60_000;
const CACHE_LIMIT = 10_000;

function keyOf(query: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }): string {
  const key = query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
  if (!key) throw new Error('a Slack installation needs a team id (or an enterprise id for org-wide installs)');
  return key;
}

/**
 * Bolt's installation store on PostgreSQL. `authorize` runs on every request, so
 * lookups go through a short in-process cache; a reinstall on another replica is
 * seen within the TTL.
 */
export class CachedInstallationStore implements InstallationStore {
  private readonly cache = new Map<string, { installation: Installation; expires: number }>();
  private readonly loading = new Map<string, Promise<Installation>>();

  constructor(
    private readonly service: () => SlackInstallationPort,
    private readonly ttlMs = CACHE_TTL_MS,
  ) {}

  async storeInstallation(installation: Installation): Promise<void> {
    const installKey = keyOf({
      teamId: installation.team?.id,
      enterpriseId: installation.enterprise?.id,
      isEnterpriseInstall: installation.isEnterpriseInstall,
    });
    // The bot token is all this app uses; a user token would only be a liability at rest.
    const stored: Installation = { ...installation, user: { id: installation.user.id, scopes: installation.user.scopes, token: undefined } };
    await this.service().saveInstallation({
      installKey,
      teamId: installation.team?.id ?? null,
      enterpriseId: installation.enterprise?.id ?? null,
      isEnterpriseInstall: Boolean(installation.isEnterpriseInstall),
      botUserId: installation.bot?.userId ?? null,
      installation: stored as unknown as Record<string, unknown>,
    });
    this.remember(installKey, stored);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const key = keyOf(query);
    const hit = this.cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.installation;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(key).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.forget(keyOf(query));
  }

  /** After `app_uninstalled` / `tokens_revoked`: events name the team, or the enterprise for org-wide installs. */
  async forgetWorkspace(source: { teamId?: string; enterpriseId?: string }): Promise<void> {
    const key = source.teamId ?? source.enterpriseId;
    if (key) await this.forget(key);
  }

  private async forget(key: string): Promise<void> {
    this.cache.delete(key);
    await this.service().deleteInstallation(key);
  }

  private async load(key: string): Promise<Installation> {
    const row = await this.service().findInstallation(key);
    if (!row) throw new Error(`no Slack installation for ${key}`);
    const installation = row as unknown as Installation;
    this.remember(key, installation);
    return installation;
  }

  private remember(key: string, installation: Installation): void {
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, { installation, expires: Date.now() + this.ttlMs });
  }
}

/**
 * Which bot token serves a workspace: the one `SLACK_BOT_TOKEN` (single
 * workspace) or the stored OAuth installation. Bolt's `authorize` and the
 * notifier both ask here.
 */
export interface SlackAuthorizer {
  authorize(source: AuthorizeSourceData<boolean>): Promise<AuthorizeResult>;
  /** The bot token for a team, or undefined when the app is not installed there. */
  tokenFor(teamId: string): Promise<string | undefined>;
}

/**
 * One workspace, one token. The bot's own ids (for Bolt's ignoreSelf) come from one
 * `auth.test`; while Slack does not answer it, requests are served without them.
 */
export function singleWorkspaceAuthorizer(botToken: string, client: webApi.WebClient): SlackAuthorizer {
  let identity: Promise<{ botId?: string; botUserId?: string }> | undefined;
  const whoAmI = () => {
    identity ??= client.auth.test({ token: botToken }).then(
      (r) => ({ botId: r.bot_id, botUserId: r.user_id }),
      (error: unknown) => {
        identity = undefined;
        throw error;
      },
    );
    return identity;
  };
  return {
    async authorize(source) {
      const { botId, botUserId } = await whoAmI().catch(() => ({ botId: undefined, botUserId: undefined }));
      return { botToken, botId, botUserId, teamId: source.teamId, enterpriseId: source.enterpriseId };
    },
    async tokenFor() {
      return botToken;
    },
  };
}

export function installationAuthorizer(store: CachedInstallationStore): SlackAuthorizer {
  const find = (source: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }) =>
    store.fetchInstallation({
      teamId: source.teamId,
      enterpriseId: source.enterpriseId,
      isEnterpriseInstall: Boolean(source.isEnterpriseInstall),
    } as InstallationQuery<boolean>);
  return {
    async authorize(source) {
      const installation = await find(source);
      if (!installation.bot) throw new Error(`the Slack installation for ${source.teamId ?? source.enterpriseId} has no bot token`);
      return {
        botToken: installation.bot.token,
        botId: installation.bot.id,
        botUserId: installation.bot.userId,
        teamId: installation.team?.id ?? source.teamId,
        enterpriseId: installation.enterprise?.id ?? source.enterpriseId,
      };
    },
    async tokenFor(teamId) {
      try {
        return (await find({ teamId })).bot?.token;
      } catch {
        return undefined;
      }
    },
  };
}
