import { pino } from 'pino';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Identity } from '../src/core/invocation.js';
import { NotifierRouter, type DeliveryResult, type Notifier } from '../src/core/notifier.js';
import type { Reply } from '../src/core/reply.js';
import { NotificationDelivery } from '../src/modules/notification/notification.delivery.js';
import { NotificationRepository } from '../src/modules/notification/notification.repository.js';
import { ReminderService } from '../src/modules/reminder/reminder.service.js';
import { REMINDER_BATCH } from '../src/jobs/daily-reminder.job.js';
import { startDiscord } from '../src/platforms/discord/index.js';
import { startSlack } from '../src/platforms/slack/index.js';
import { DiscordFake } from '../src/testing/discord-fake.js';
import { SlackFake } from '../src/testing/slack-fake.js';
import { fmt, freshDatabase, table } from './harness.js';

const USERS = 100_000;
const DUE = 20_000;
const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Asia/Tokyo',
  'America/Los_Angeles',
  'Europe/London',
  'Asia/Kolkata',
  'Australia/Sydney',
  'America/Sao_Paulo',
  'UTC',
  'Asia/Shanghai',
];
const DISCORD_LIMIT = 50;
const DISCORD_DMS = 600;
const SLACK_LIMIT = 20;
const SLACK_DMS = 200;
const DUPLICATE_ROWS = 5_000;
const APP_ID = '1300000000000000009';
const SLACK_TEAM = 'T0FAKETEAM1';
/** The busiest minute: 08:00 UTC on a weekday. */
const MINUTE = new Date('2026-12-02T08:00:00Z');

const logger = pino({ level: 'silent' });

/**
 * Issue 10's benchmark. 100,000 users with reminder times spread over the day in
 * realistic zones, 20,000 of them due at one minute: claim + render + enqueue time
 * for that minute (goal < 10 s); delivery throughput against the Discord fake at 50
 * requests/s (goal >= 95%, no 429 the worker caused) and the Slack fake; two
 * delivery workers with their own connection pools draining one outbox (goal: 0
 * duplicates). Needs DATABASE_URL.
 */
export async function benchReminders(baseUrl: string): Promise<void> {
  const db = await freshDatabase(baseUrl, 'questlog_bench_reminders');
  const discordFake = await DiscordFake.start({ applicationId: APP_ID, globalRateLimit: DISCORD_LIMIT });
  // Every seeded Slack user exists in the fake's workspace (n % 3 === 1, as in seed()).
  const slackUsers = Object.fromEntries(
    Array.from({ length: USERS }, (_, i) => i + 1)
      .filter((n) => n % 3 === 1)
      .map((n) => [`U${String(n).padStart(9, '0')}`, { name: `c${n}` }]),
  );
  const slackFake = await SlackFake.start({ teamId: SLACK_TEAM, users: slackUsers, rateLimits: { 'chat.postMessage': SLACK_LIMIT } });
  const env = {
    PORT: '0',
    QUESTLOG_CONSOLE: 'off',
    QUESTLOG_JOBS: 'off',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    DISCORD_TOKEN: 'bench-token',
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_GATEWAY: 'off',
    DISCORD_API_URL: discordFake.apiUrl,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-secret',
    SLACK_API_URL: slackFake.apiUrl,
  };
  const app = await createApp(loadConfig(env), logger, { poolMax: 8 });
  const discord = await startDiscord(app);
  const slack = await startSlack(app);
  const second: App[] = [];
  try {
    const seeded = performance.now();
    await seed(app);
    console.log(`seeded ${USERS} users (${DUE} due at ${MINUTE.toISOString()}) in ${fmt(performance.now() - seeded)}`);

    // 1. The busiest minute: claim + render + enqueue, batch after batch, as the job runs it.
    const now = new Date(MINUTE.getTime() + 5_000);
    const started = performance.now();
    let claimed = 0;
    let enqueued = 0;
    for (;;) {
      const batch = await new ReminderService(app.db.orm.em.fork()).sendDueReminders(now, REMINDER_BATCH);
      claimed += batch.claimed;
      enqueued += batch.enqueued;
      if (batch.claimed < REMINDER_BATCH) break;
    }
    const minuteMs = performance.now() - started;

    // 2. Delivery against the Discord fake at 50 requests/s (first DMs: open channel + post).
    await app.db.orm.em.fork().execute(
      `update notifications n set is_sent = true, delivered_via = 'bench-skip' where n.type = 'reminder' and n.user_id not in (
         select user_id from user_identities where platform = 'discord' order by user_id limit ${DISCORD_DMS})`,
    );
    const delivery = new NotificationDelivery(() => new NotificationRepository(app.db.orm.em.fork()), { router: app.notifier, logger, batchSize: 200 });
    const discordBefore = discordFake.requests.length;
    const d0 = performance.now();
    const discordResult = await delivery.run(() => now);
    const discordMs = performance.now() - d0;
    const discordRequests = discordFake.requests.length - discordBefore;

    // 3. The same against the Slack fake (chat.postMessage limited to 20/s).
    const slackIds = await app.db.orm.em
      .fork()
      .execute<{ user_id: string }[]>(`select user_id from user_identities where platform = 'slack' order by user_id limit ${SLACK_DMS}`);
    await app.db.orm.em
      .fork()
      .execute(
        `update notifications set is_sent = false, delivered_via = null where type = 'reminder' and user_id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
        [JSON.stringify(slackIds.map((r) => r.user_id))],
      );
    const slackBefore = slackFake.calls('chat.postMessage').length;
    const s0 = performance.now();
    const slackDelivery = new NotificationDelivery(() => new NotificationRepository(app.db.orm.em.fork()), {
      router: app.notifier,
      logger,
      batchSize: 200,
      rates: { slack: Math.floor(SLACK_LIMIT * 0.95) },
    });
    const slackResult = await slackDelivery.run(() => now);
    const slackMs = performance.now() - s0;
    const slackPosts = slackFake.calls('chat.postMessage').length - slackBefore;

    // 4. Two workers with their own pools draining one outbox: every row once.
    const other = await createApp(
      loadConfig({ ...env, DISCORD_TOKEN: '', DISCORD_APPLICATION_ID: '', DISCORD_GATEWAY: '', SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' }),
      logger,
      { poolMax: 8 },
    );
    second.push(other);
    const seen = new Map<string, number>();
    const counting = (): Notifier => ({
      platform: 'console',
      async send(identity: Identity, reply: Reply): Promise<DeliveryResult> {
        const key = `${identity.platformUserId}:${reply.title}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        return { delivered: true };
      },
    });
    await app.db.orm.em.fork().execute(
      `with u as (select user_id as id from user_identities where platform = 'console' order by user_id limit ${DUPLICATE_ROWS})
       insert into notifications (user_id, type, title) select u.id, 'unlocked', 'dup-' || u.id from u`,
    );
    const workers = [app, other].map((a) => {
      const router = new NotifierRouter();
      router.register(counting());
      return new NotificationDelivery(() => new NotificationRepository(a.db.orm.em.fork()), { router, logger, batchSize: 100 });
    });
    const w0 = performance.now();
    const [a, b] = await Promise.all(workers.map((w) => w.run(() => now)));
    const twoMs = performance.now() - w0;
    const sends = [...seen.values()].reduce((x, y) => x + y, 0);

    table([
      { measure: `claim + render + enqueue, ${DUE} due in one minute`, value: fmt(minuteMs), detail: `claimed ${claimed}, enqueued ${enqueued} (goal < 10 s)` },
      {
        measure: `Discord DMs at ${DISCORD_LIMIT} req/s`,
        value: `${(discordRequests / (discordMs / 1000)).toFixed(1)} req/s`,
        detail: `${discordResult.sent} DMs, ${discordRequests} requests in ${fmt(discordMs)}; ${((discordRequests / (discordMs / 1000) / DISCORD_LIMIT) * 100).toFixed(1)}% of the limit; 429s: ${discordFake.globalRateLimited}`,
      },
      {
        measure: `Slack DMs at ${SLACK_LIMIT} chat.postMessage/s`,
        value: `${(slackPosts / (slackMs / 1000)).toFixed(1)} posts/s`,
        detail: `${slackResult.sent} DMs in ${fmt(slackMs)}; ${((slackPosts / (slackMs / 1000) / SLACK_LIMIT) * 100).toFixed(1)}% of the limit; 429s: ${slackFake.rateLimited}`,
      },
      {
        measure: 'two workers, one outbox',
        value: `${sends - seen.size} duplicates`,
        detail: `${a!.sent} + ${b!.sent} sent of ${DUPLICATE_ROWS} rows, ${seen.size} distinct, in ${fmt(twoMs)}`,
      },
    ]);
  } finally {
    for (const other of second) await other.close();
    await slack.stop();
    await discord.stop();
    await app.close();
    await discordFake.close();
    await slackFake.close();
    await db.drop();
  }
}

/** 100,000 users in ten zones: 20,000 due at MINUTE, the rest spread over the next day; identities on Discord, Slack and console. */
async function seed(app: App): Promise<void> {
  const em = app.db.orm.em.fork();
  const zones = JSON.stringify(ZONES);
  await em.execute(`insert into users (username) select 'c' || g from generate_series(1, ${USERS}) g`);
  await em.execute(
    `insert into user_profiles (user_id, timezone, reminder_time, next_reminder_at)
     select u.id, z.zone,
       to_char(t.at at time zone z.zone, 'HH24:MI'), t.at
     from (select id, row_number() over (order by id) as n from users where username like 'c%') u
     cross join lateral (select (?::jsonb ->> (u.n % 10)::int) as zone) z
     cross join lateral (select case when u.n <= ${DUE} then ?::timestamptz
                                     else ?::timestamptz + make_interval(mins => (1 + (u.n * 7919) % 1439)::int) end as at) t`,
    [zones, MINUTE.toISOString(), MINUTE.toISOString()],
  );
  await em.execute(
    `insert into user_identities (user_id, platform, scope, platform_user_id)
     select u.id, case when u.n % 3 = 0 then 'discord' when u.n % 3 = 1 then 'slack' else 'console' end,
       case when u.n % 3 = 1 then '${SLACK_TEAM}' when u.n % 3 = 2 then 'local' else '' end,
       case when u.n % 3 = 0 then (140000000000000000 + u.n)::text when u.n % 3 = 1 then 'U' || lpad(u.n::text, 9, '0') else 'c' || u.n end
     from (select id, row_number() over (order by id) as n from users where username like 'c%') u`,
  );
  // Two open quests per due user: one started yesterday, one waiting and overdue since yesterday (the overdue mention).
  await em.execute(
    `insert into quests (user_id, number, title, difficulty, status, estimated_duration, priority, started_at, due_at)
     select p.user_id, q.n, 'Quest ' || q.n, 'MEDIUM', case when q.n = 1 then 'IN_PROGRESS' else 'ACTIVE' end, 30,
       case when q.n = 1 then 'HIGH' else 'MEDIUM' end, case when q.n = 1 then ?::timestamptz - interval '1 day' end,
       case when q.n = 2 then ?::timestamptz - interval '1 day' end
     from user_profiles p cross join generate_series(1, 2) as q(n) where p.next_reminder_at = ?::timestamptz`,
    [MINUTE.toISOString(), MINUTE.toISOString(), MINUTE.toISOString()],
  );
  await em.execute('analyze');
}
