import type { Installation } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import type { SlackInstallationPort as SlackInstallationService, SlackInstallationRecord } from '../../core/ports.js';
import { CachedInstallationStore, installationAuthorizer } from './slack.installs.js';

/** The service's contract in memory, counting reads. */
function memoryService() {
  const rows = new Map<string, SlackInstallationRecord>();
  let reads = 0;
  const service = {
    async saveInstallation(record: SlackInstallationRecord) {
      rows.set(record.installKey, record);
    },
    async findInstallation(key: string) {
      reads++;
      return rows.get(key)?.installation ?? null;
    },
    async deleteInstallation(key: string) {
      return rows.delete(key);
    },
  } as unknown as SlackInstallationService;
  return { service, rows, reads: () => reads };
}

const source = (teamId: string) => ({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });

const installation = (teamId: string): Installation => ({
  team: { id: teamId, name: 'Team' },
  enterprise: undefined,
  user: { id: 'U0INSTALL1', token: 'xoxp-secret', scopes: ['identity.basic'] },
  bot: { token: `xoxb-${teamId}`, scopes: ['commands'], id: 'B0BOT00001', userId: 'U0BOT00001' },
  isEnterpriseInstall: false,
  authVersion: 'v2',
});

describe('CachedInstallationStore', () => {
  it('stores by team id without the user token, and serves authorize from the cache', async () => {
    const { service, rows, reads } = memoryService();
    const store = new CachedInstallationStore(() => service);
    await store.storeInstallation(installation('T0ONE00001'));
    expect(rows.get('T0ONE00001')).toMatchObject({ teamId: 'T0ONE00001', botUserId: 'U0BOT00001', installation: { user: { token: undefined } } });

    const auth = installationAuthorizer(new CachedInstallationStore(() => service));
    const results = await Promise.all([1, 2, 3].map(() => auth.authorize(source('T0ONE00001'))));
    expect(results[0]).toEqual({ botToken: 'xoxb-T0ONE00001', botId: 'B0BOT00001', botUserId: 'U0BOT00001', teamId: 'T0ONE00001', enterpriseId: undefined });
    await auth.authorize(source('T0ONE00001'));
    expect(reads()).toBe(1);
    expect(await auth.tokenFor('T0ONE00001')).toBe('xoxb-T0ONE00001');
  });

  it('reads the store again once the cache entry is older than the TTL', async () => {
    const { service, reads } = memoryService();
    await new CachedInstallationStore(() => service).storeInstallation(installation('T0TWO00001'));
    const store = new CachedInstallationStore(() => service, 0);
    await store.fetchInstallation({ teamId: 'T0TWO00001', enterpriseId: undefined, isEnterpriseInstall: false });
    await store.fetchInstallation({ teamId: 'T0TWO00001', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(reads()).toBe(2);
  });

  it('refuses a team without an installation, and forgets a deleted one', async () => {
    const { service } = memoryService();
    const store = new CachedInstallationStore(() => service);
    const auth = installationAuthorizer(store);
    await expect(auth.authorize(source('T0NONE0001'))).rejects.toThrow(/no Slack installation for T0NONE0001/);
    expect(await auth.tokenFor('T0NONE0001')).toBeUndefined();
    await store.storeInstallation(installation('T0GONE0001'));
    await store.deleteInstallation({ teamId: 'T0GONE0001', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(await auth.tokenFor('T0GONE0001')).toBeUndefined();
  });
});
