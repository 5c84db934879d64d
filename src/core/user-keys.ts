import type { Identity } from './invocation.js';

/**
 * Kv keys that hold data about one platform identity, named in one place so that
 * erasing a user (`/questlog forget-me`) finds every one of them.
 */
export function discordDmChannelKey(platformUserId: string): string {
  return `discord:dm-channel:${platformUserId}`;
}

/** Every kv key kept per identity (the cached Discord DM channel; Slack DMs need none). */
export function identityKvKeys(identity: Pick<Identity, 'platform' | 'platformUserId'>): string[] {
  return identity.platform === 'discord' ? [discordDmChannelKey(identity.platformUserId)] : [];
}
