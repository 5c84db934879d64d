import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startDiscord } from '../src/platforms/discord/index.js';
import { DiscordFake } from '../src/testing/discord-fake.js';
import { discordSignatureHeaders, generateDiscordKeyPair } from '../src/testing/discord-sign.js';
import { fmt, freshDatabase, percentile, runConcurrent, table, loadFromWorker, type SignedRequest } from './harness.js';

const APP_ID = '1300000000000000003';
const GUILD = '1100000000000000001';
const USERS = 50;
const QUESTS_PER_USER = 12;
const CONCURRENCY = 50;
const WARMUP = 1000;
const TOTAL = 10_000;

/**
 * Issue 5's benchmark: signed `/quest list` interactions to `POST
 * /discord/interactions` over loopback at concurrency 50 (signature check,
 * replay dedupe, dispatch, the answer in the HTTP response), each a distinct
 * interaction from one of 50 users. Target: >= 500 requests/s, p99 < 50 ms.
 * Runs on PostgreSQL when DATABASE_URL is set, on embedded PGlite otherwise.
 */
export async function benchDiscordHttp(): Promise<void> {
  const keys = generateDiscordKeyPair();
  const fake = await DiscordFake.start({ applicationId: APP_ID });
  const db = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL, 'questlog_bench_discord') : undefined;
  const dataDir = db ? '' : await mkdtemp(join(tmpdir(), 'questlog-bench-discord-'));
  const env: Record<string, string> = {
    PORT: '0',
    QUESTLOG_CONSOLE: 'off',
    LOG_LEVEL: 'silent',
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_URL: fake.apiUrl,
    ...(db ? { DATABASE_URL: db.url } : { QUESTLOG_DATA_DIR: dataDir }),
  };
  const app = await createApp(loadConfig(env), pino({ level: 'silent' }), { poolMax: db ? 16 : undefined });
  const discord = await startDiscord(app);
  const url = `http://127.0.0.1:${await app.http.listen(0, '127.0.0.1')}/discord/interactions`;
  try {
    const users = Array.from({ length: USERS }, (_, i) => `12000000000000${String(10_000 + i)}`);
    await runConcurrent(USERS * QUESTS_PER_USER, CONCURRENCY, async (i) => {
      await app.dispatcher.dispatch({
        identity: { platform: 'discord', scope: '', platformUserId: users[i % USERS]!, displayName: `bench ${i % USERS}` },
        space: { platform: 'discord', externalId: GUILD },
        command: 'quest',
        text: `create "Bench quest ${i}" difficulty:${['easy', 'medium', 'hard', 'epic'][i % 4]} estimate:${15 + (i % 8) * 15}m`,
        source: 'command',
      });
    });
    // Signed up front (timestamps stay well inside the 5-minute window) so the clock measures the app.
    const signed = (count: number): SignedRequest[] =>
      Array.from({ length: count }, (_, i) => {
        const { payload } = fake.buildInteraction({
          type: 2,
          userId: users[i % USERS]!,
          guildId: GUILD,
          data: { id: '1', name: 'quest', type: 1, options: [{ name: 'list', type: 1 }] },
        });
        const body = JSON.stringify(payload);
        return { body, headers: discordSignatureHeaders(keys.privateKey, body) };
      });
    await loadFromWorker(url, signed(WARMUP), CONCURRENCY, '"type":4');
    const { wall, latencies, misses } = await loadFromWorker(url, signed(TOTAL), CONCURRENCY, '"type":4');
    if (misses) throw new Error(`${misses} interactions were not answered with a message (type 4) in the HTTP response`);
    const rate = (TOTAL / wall) * 1000;
    const p99 = percentile(latencies, 99);
    console.log(
      `${TOTAL} signed /quest list interactions at concurrency ${CONCURRENCY} on ${db ? 'PostgreSQL' : 'embedded PGlite'} (${USERS} users x ${QUESTS_PER_USER} quests)`,
    );
    table([
      {
        'requests/s': rate.toFixed(0),
        p50: fmt(percentile(latencies, 50)),
        p90: fmt(percentile(latencies, 90)),
        p99: fmt(p99),
        max: fmt(Math.max(...latencies)),
        target: '>= 500/s, p99 < 50 ms',
        met: rate >= 500 && p99 < 50 ? 'yes' : 'no',
      },
    ]);
  } finally {
    await discord.stop();
    await app.close();
    await fake.close();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

// `npx tsx bench/discord.bench.ts` runs it alone (embedded PGlite unless DATABASE_URL is set).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchDiscordHttp();
}
