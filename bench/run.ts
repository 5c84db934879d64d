import { benchAi } from './ai.bench.js';
import { benchDiscordHttp } from './discord.bench.js';
import { benchGamification } from './gamification.bench.js';
import { benchPrivacy } from './privacy.bench.js';
import { benchQuests } from './quest.bench.js';
import { benchSlack } from './slack.bench.js';
import { benchReminders } from './reminders.bench.js';

/**
 * `npm run bench`: every benchmark, on real PostgreSQL. Pick some with
 * `npm run bench -- quests discord`.
 */
const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) {
  console.error('npm run bench needs DATABASE_URL (a PostgreSQL server; the benchmarks create and drop their own databases).');
  process.exit(2);
}

const suites: Record<string, () => Promise<void>> = {
  quests: () => benchQuests(baseUrl),
  gamification: () => benchGamification(baseUrl),
  discord: () => benchDiscordHttp(),
  slack: () => benchSlack(),
  reminders: () => benchReminders(baseUrl),
  privacy: () => benchPrivacy(baseUrl),
  ai: () => benchAi(),
};

const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(suites);
for (const name of chosen) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown benchmark "${name}"; choose from ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n### ${name}`);
  await suite();
}
