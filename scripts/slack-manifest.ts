import { writeFile } from 'node:fs/promises';
import { commands } from '../commands/index.js';
import { slackManifest } from '../src/platforms/slack/slack.manifest.js';

/**
 * `npm run slack:manifest -- https://questlog.example.com [--socket-mode] [--out file]`:
 * writes the Slack app manifest (commands, scopes, event and interactivity URLs)
 * from the command specs. Paste it at api.slack.com/apps -> Create New App -> From a manifest.
 */
const args = process.argv.slice(2);
const socketMode = args.includes('--socket-mode');
const outIndex = args.indexOf('--out');
const out = outIndex === -1 ? 'slack-manifest.json' : args[outIndex + 1];
const positional = args.filter((a, i) => !a.startsWith('--') && (outIndex === -1 || i !== outIndex + 1));
const baseUrl = positional[0] ?? 'https://questlog.example.com';

if (!out || !/^https?:\/\//.test(baseUrl)) {
  console.error('usage: npm run slack:manifest -- <public base URL, e.g. https://questlog.example.com> [--socket-mode] [--out slack-manifest.json]');
  process.exit(2);
}

await writeFile(out, `${JSON.stringify(slackManifest(commands, { baseUrl, socketMode }), null, 2)}\n`);
console.log(`wrote ${out}: ${commands.length} slash commands${socketMode ? ', Socket Mode' : `, requests to ${baseUrl}`}`);
