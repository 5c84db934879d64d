import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startDiscord } from '../src/platforms/discord/index.js';
import { DiscordFake } from '../src/testing/discord-fake.js';
import { discordSignatureHeaders, generateDiscordKeyPair } from '../src/testing/discord-sign.js';

const APP_ID = '1300000000000000003';
const GUILD = '1100000000000000001';
const USERS = 50;
const QUESTS_PER_USER = 12;

export interface DiscordBenchOptions {
  requests?: number;
  concurrency?: number;
}

/**
 * The HTTP interactions endpoint under load: signed `/quest list` requests
 * from 50 users at concurrency 50 on loopback, each a distinct interaction
 * (replays are refused). Prints requests per second and latency percentiles.
 * Embedded PGlite in a temporary directory, or DATABASE_URL when set.
 */
export async function benchDiscordHttp({ requests = 5000, concurrency = 50 }: DiscordBenchOptions = {}): Promise<void> {
  const keys = generateDiscordKeyPair();
  const fake = await DiscordFake.start({ applicationId: APP_ID });
  const dataDir = await mkdtemp(join(tmpdir(), 'questlog-bench-discord-'));
  const env: Record<string, string> = {
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_URL: fake.apiUrl,
    QUESTLOG_DATA_DIR: dataDir,
    QUESTLOG_CONSOLE: 'off',
    PORT: '0',
    LOG_LEVEL: 'silent',
  };
  if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
  const app = await createApp(loadConfig(env), pino({ level: 'silent' }));
  const discord = await startDiscord(app);
  try {
    const url = `http://127.0.0.1:${await app.http.listen(0, '127.0.0.1')}/discord/interactions`;
    const users = Array.from({ length: USERS }, (_, i) => `12000000000000${String(10_000 + i)}`);
    await Promise.all(
      users.map(async (userId) => {
        for (let n = 1; n <= QUESTS_PER_USER; n++) {
          await app.dispatcher.dispatch({
            identity: { platform: 'discord', scope: '', platformUserId: userId, displayName: `bench ${userId.slice(-4)}` },
            space: { platform: 'discord', externalId: GUILD },
            command: 'quest',
            text: `create "Bench quest ${n}" difficulty:${['easy', 'medium', 'hard', 'epic'][n % 4]}`,
            source: 'command',
          });
        }
      }),
    );
    // Signed up front, so the figures measure the endpoint rather than the load generator's signing.
    const signed = (count: number) =>
      Array.from({ length: count }, (_, i) => {
        const { payload } = fake.buildInteraction({ type: 2, userId: users[i % USERS]!, guildId: GUILD, data: { id: '1', name: 'quest', type: 1, options: [{ name: 'list', type: 1 }] } });
        const body = JSON.stringify(payload);
        return { body, headers: discordSignatureHeaders(keys.privateKey, body) };
      });

    await load(url, signed(Math.min(500, requests)), concurrency);
    const { latencies, seconds, failures } = await load(url, signed(requests), concurrency);
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!.toFixed(1);
    const rate = requests / seconds;
    const database = app.db.embedded ? 'embedded PGlite' : 'PostgreSQL';
    process.stdout.write(
      `discord http /quest list (${database}): ${requests} requests, concurrency ${concurrency}: ${rate.toFixed(0)} req/s, ` +
        `p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1)!.toFixed(1)} ms, failures ${failures}` +
        ` (target >= 500 req/s, p99 < 50 ms: ${rate >= 500 && Number(pct(99)) < 50 && failures === 0 ? 'met' : 'NOT met'})\n`,
    );
  } finally {
    await discord.stop();
    await app.close();
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Sends every request, `concurrency` at a time over kept-alive connections; a
 * failure is anything but 200 with a message (type 4). Plain node:http keeps
 * the load generator's own CPU share small (it runs on the same two cores).
 */
async function load(url: string, batch: Array<{ body: string; headers: Record<string, string> }>, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batch.length) {
        const { body, headers } = batch[next++]!;
        const t0 = performance.now();
        const { status, text } = await postJson(url, agent, headers, body);
        latencies.push(performance.now() - t0);
        if (status !== 200 || (JSON.parse(text) as { type?: number }).type !== 4) failures++;
      }
    }),
  );
  agent.destroy();
  return { latencies, seconds: (performance.now() - started) / 1000, failures };
}

function postJson(url: string, agent: Agent, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchDiscordHttp();
}
