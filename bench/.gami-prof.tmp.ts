import pg from 'pg';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { freshDatabase } from './harness.js';

const db = await freshDatabase(process.env.DATABASE_URL!, 'questlog_bench_gami_prof');
const app = await createApp(loadConfig({ DATABASE_URL: db.url, PORT: '0', QUESTLOG_CONSOLE: 'off', LOG_LEVEL: 'silent' }), pino({ level: 'silent' }), { poolMax: 40 });
const pool = new pg.Pool({ connectionString: db.url, max: 4 });
await pool.query(`insert into users (username, display_name, quest_counter) select 'gb' || g, 'gb' || g, 10300 from generate_series(1, 32) g`);
await pool.query('insert into user_profiles (user_id) select id from users');
await pool.query(`insert into user_identities (user_id, platform, scope, platform_user_id, display_name) select id, 'console', 'local', username, display_name from users`);
await pool.query(`insert into quests (user_id, number, title, difficulty, status, estimated_duration, experience_points, created_at, completed_at)
    select u.id, n, 'Done ' || n, 'EASY', 'COMPLETED', 30, 10, now() - make_interval(hours => n + 1), now() - make_interval(hours => n) from users u, generate_series(1, 10000) n where u.username = 'gb1'`);
await pool.query(`insert into quests (user_id, number, title, difficulty, status, estimated_duration, experience_points)
    select u.id, n, 'Open ' || n, 'EASY', 'ACTIVE', 30, 10 from users u, generate_series(10001, 10300) n`);
await pool.query(`insert into experience_events (user_id, quest_id, amount, reason, created_at) select user_id, id, experience_points, 'quest', completed_at from quests where status = 'COMPLETED'`);
await pool.query('analyze');
const conn = app.db.orm.em.getDriver().getConnection() as any;
const orig = conn.execute.bind(conn);
const times = new Map<string, number[]>();
conn.execute = async (q: any, ...rest: any[]) => {
  const t = performance.now();
  try { return await orig(q, ...rest); } finally {
    const key = String(typeof q === 'string' ? q : q?.toString?.()).replace(/\s+/g, ' ').slice(0, 70);
    (times.get(key) ?? times.set(key, []).get(key)!).push(performance.now() - t);
  }
};
const run = (line: string, u = 'gb1') => { const [c, ...r] = line.split(' '); return app.dispatcher.dispatch({ identity: { platform: 'console', scope: 'local', platformUserId: u }, command: c!, text: r.join(' '), source: 'command' }); };
for (let i = 10001; i <= 10020; i++) await run(`quest complete #${i}`);
times.clear();
const t0 = performance.now();
for (let i = 10021; i <= 10120; i++) { const r = await run(`quest complete #${i}`); if (r.tone !== 'success') throw new Error(r.text); }
console.log('sequential avg per completion', ((performance.now() - t0) / 100).toFixed(2), 'ms');
const cpu0 = process.cpuUsage(); const t1 = performance.now();
const lat: number[] = [];
await Promise.all(Array.from({ length: 32 }, async (_, u) => { for (let i = 10121; i <= 10170; i++) { const s = performance.now(); const r = await run(`quest complete #${i}`, 'gb' + (u + 1)); lat.push(performance.now() - s); if (r.tone !== 'success') throw new Error(r.text); } }));
const wall = performance.now() - t1; const cpu = process.cpuUsage(cpu0);
lat.sort((a, b) => a - b);
console.log('concurrent: per completion wall', (wall / 1600).toFixed(2), 'node cpu', ((cpu.user + cpu.system) / 1000 / 1600).toFixed(2), 'ms; p50', lat[800]!.toFixed(1), 'p99', lat[1584]!.toFixed(1));
const rows = [...times].map(([k, v]) => ({ q: k, n: v.length, avg: (v.reduce((a, b) => a + b, 0) / v.length).toFixed(2) })).sort((a, b) => Number(b.avg) - Number(a.avg));
console.table(rows.slice(0, 25));
await pool.end(); await app.close(); await db.drop();
