import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordFake, type DispatchedInteraction, type JsonObject } from '../../testing/discord-fake.js';
import { discordSignatureHeaders, generateDiscordKeyPair } from '../../testing/discord-sign.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { startDiscord } from './index.js';

const APP_ID = '1300000000000000013';
const GUILD = '1100000000000000011';
const ALICE = '1200000000000000012';
const keys = generateDiscordKeyPair();

let fake: DiscordFake;
let app: TestApp;
let discord: { stop(): Promise<void> };
let url = '';

beforeAll(async () => {
  // This file is about attachments, not the 3-second deadline (other tests hold it): a loaded CI machine gets slack here.
  fake = await DiscordFake.start({ applicationId: APP_ID, callbackDeadlineMs: 15_000 });
  app = await startTestApp({ env: { DISCORD_PUBLIC_KEY: keys.publicKeyHex, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.apiUrl } });
  discord = await startDiscord(app);
  url = `http://127.0.0.1:${await app.http.listen(0, '127.0.0.1')}/discord/interactions`;
});
afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  await app?.close();
});

async function deliver(interaction: DispatchedInteraction): Promise<{ status: number; body: JsonObject }> {
  const body = JSON.stringify(interaction.payload);
  const res = await fetch(url, { method: 'POST', headers: discordSignatureHeaders(keys.privateKey, body), body });
  const json = (await res.json()) as JsonObject;
  if (res.status === 200) fake.recordHttpResponse(interaction.id, json as { type: number });
  return { status: res.status, body: json };
}

const command = (name: string, subcommand: string, options: Record<string, string> = {}) =>
  fake.buildInteraction({
    type: 2,
    userId: ALICE,
    guildId: GUILD,
    data: {
      id: '1',
      name,
      type: 1,
      options: [{ name: subcommand, type: 1, options: Object.entries(options).map(([n, value]) => ({ name: n, type: 3, value })) }],
    },
  });

describe('Discord: reply files', () => {
  it('attaches the export to a private (ephemeral) reply', async () => {
    await deliver(command('quest', 'create', { title: 'Exported quest' }));
    const exported = command('questlog', 'export');
    expect((await deliver(exported)).body).toEqual({ type: 5, data: { flags: 64 } });
    const edit = await fake.waitFor((r) => r.method === 'PATCH' && r.status === 200 && r.path.endsWith(`/${exported.token}/messages/@original`), 25_000);
    expect(edit.body.attachments).toEqual([expect.objectContaining({ id: 0, filename: expect.stringMatching(/^questlog-export-\d{4}-\d{2}-\d{2}\.json$/) })]);
    expect(edit.files).toHaveLength(1);
    const doc = JSON.parse(edit.files[0]!.data.toString('utf8'));
    expect(doc.identities).toEqual([expect.objectContaining({ platform: 'discord', platformUserId: ALICE })]);
    expect(doc.quests.map((q: { title: string }) => q.title)).toEqual(['Exported quest']);
    expect(fake.originalMessage(exported.id)).toMatchObject({ flags: 64 });
  }, 60_000);
});
