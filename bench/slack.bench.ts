import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startSlack } from '../src/platforms/slack/index.js';
import { SlackFake } from '../src/testing/slack-fake.js';
import { FORM_CONTENT_TYPE, postSigned, signSlackRequest, slashCommandBody } from '../src/testing/slack-sign.js';
import { fmt, freshDatabase, percentile, runConcurrent, table, loadFromWorker, type SignedRequest } from './harness.js';

const SECRET = 'bench-signing-secret';
const TEAM = 'T0BENCH001';
const USERS = 50;
const QUESTS_PER_USER = 12;
const CONCURRENCY = 50;
const SEED_CONCURRENCY = 8;
const WARMUP = 1000;
const TOTAL = 10_000;

/**
 * Issue 6's benchmark: signed `/quest list` slash commands to `POST /slack/events`
 * over loopback at concurrency 50, through the real Bolt receiver (signature
 * check, ack within the deadline) and dispatch. Target: >= 500 requests/s, p99 < 50 ms.
 * Runs on PostgreSQL when DATABASE_URL is set, on embedded PGlite otherwise.
 */
export async function benchSlack(): Promise<void> {
  const users = Array.from({ length: USERS }, (_, i) => `U0BENCH${String(i).padStart(3, '0')}`);
  const fake = await SlackFake.start({ teamId: TEAM, users: Object.fromEntries(users.map((u) => [u, { tz: 'Europe/Berlin', name: u.toLowerCase() }])) });
  const db = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL, 'questlog_bench_slack') : undefined;
  const dataDir = db ? '' : await mkdtemp(join(tmpdir(), 'questlog-bench-slack-'));
  const env: Record<string, string> = {
    PORT: '0',
    QUESTLOG_CONSOLE: 'off',
    LOG_LEVEL: 'silent',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_API_URL: fake.apiUrl,
    ...(db ? { DATABASE_URL: db.url } : { QUESTLOG_DATA_DIR: dataDir }),
  };
  const app = await createApp(loadConfig(env), pino({ level: 'silent' }), { poolMax: db ? 16 : undefined });
  const slack = await startSlack(app);
  const url = `http://127.0.0.1:${await app.http.listen(0, '127.0.0.1')}/slack/events`;
  try {
    const send = async (user: string, text: string): Promise<void> => {
      const body = slashCommandBody({ teamId: TEAM, userId: user, command: '/quest', text, responseUrl: fake.responseUrl() });
      const res = await postSigned(url, { body, signingSecret: SECRET });
      if (res.status !== 200) throw new Error(`/quest ${text} answered ${res.status}: ${res.text.slice(0, 200)}`);
    };
    await runConcurrent(USERS * QUESTS_PER_USER, SEED_CONCURRENCY, async (i) => {
      await send(users[i % USERS]!, `create "Bench quest ${i}" difficulty:${['easy', 'medium', 'hard', 'epic'][i % 4]} estimate:${15 + (i % 8) * 15}m`);
    });
    await runConcurrent(WARMUP, CONCURRENCY, async (i) => void (await send(users[i % USERS]!, 'list')));
    // Signed up front (timestamps stay well inside Slack's 5 minutes) so the clock measures the app.
    const requests: SignedRequest[] = Array.from({ length: TOTAL }, (_, i) => {
      const body = slashCommandBody({ teamId: TEAM, userId: users[i % USERS]!, command: '/quest', text: 'list', responseUrl: fake.responseUrl() });
      return { body, headers: { 'content-type': FORM_CONTENT_TYPE, ...signSlackRequest(SECRET, body) } };
    });
    const { wall, latencies, misses: deferred } = await loadFromWorker(url, requests, CONCURRENCY, '"blocks"');
    // The floor: the same commands straight into dispatch, without HTTP, signatures or Bolt.
    const floor: number[] = [];
    const floorWall = await runConcurrent(TOTAL, CONCURRENCY, async (i) => {
      const started = performance.now();
      await app.dispatcher.dispatch({
        identity: { platform: 'slack', scope: TEAM, platformUserId: users[i % USERS]! },
        space: { platform: 'slack', externalId: TEAM },
        command: 'quest',
        text: 'list',
        source: 'command',
      });
      floor.push(performance.now() - started);
    });
    const rate = (TOTAL / wall) * 1000;
    const p99 = percentile(latencies, 99);
    console.log(
      `${TOTAL} signed /quest list commands at concurrency ${CONCURRENCY} on ${db ? 'PostgreSQL' : 'embedded PGlite'} (${USERS} users x ${QUESTS_PER_USER} quests)`,
    );
    const row = (path: string, ms: number, samples: number[]) => ({
      path,
      'requests/s': ((TOTAL / ms) * 1000).toFixed(0),
      p50: fmt(percentile(samples, 50)),
      p90: fmt(percentile(samples, 90)),
      p99: fmt(percentile(samples, 99)),
      max: fmt(Math.max(...samples)),
    });
    table([
      { ...row('POST /slack/events', wall, latencies), 'replies in the ack': `${(((TOTAL - deferred) / TOTAL) * 100).toFixed(1)}%` },
      row('dispatch only (floor)', floorWall, floor),
    ]);
    console.log(`target >= 500/s with p99 < 50 ms: ${rate >= 500 && p99 < 50 ? 'met' : 'not met'} (${rate.toFixed(0)}/s, p99 ${fmt(p99)})`);
  } finally {
    await slack.stop();
    await app.close();
    await fake.close();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}
