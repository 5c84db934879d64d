import { describe, expect, it } from 'vitest';
import { timeToken, type Reply } from '../core/reply.js';
import { MemoryKvStore } from '../infra/kv/memory-kv.js';
import { renderConsole } from './console/console.render.js';
import { DiscordCustomIds } from './discord/discord.custom-id.js';
import { renderMessage } from './discord/discord.render.js';
import { renderReply } from './slack/slack.render.js';

const due = new Date('2026-12-03T22:00:00Z'); // 1796335200
const reply: Reply = {
  title: `Due ${timeToken(due, 'Thu 3 Dec 17:00')}`,
  text: `📅 Due ${timeToken(due, 'Thu 3 Dec 17:00')} & later`,
  fields: [{ name: 'Due', value: timeToken(due, 'Thu 3 Dec 17:00') }],
};

describe('a due time in a reply', () => {
  it('renders as Discord timestamps (full and relative), plain in the title', async () => {
    const { body } = await renderMessage(reply, new DiscordCustomIds(new MemoryKvStore()));
    const embed = body.embeds[0]!;
    expect(embed.title).toBe('Due Thu 3 Dec 17:00');
    expect(embed.description).toBe('📅 Due <t:1796335200:f> (<t:1796335200:R>) & later');
    expect(embed.fields![0]!.value).toBe('<t:1796335200:f> (<t:1796335200:R>)');
  });

  it('renders as a Slack date token with the local fallback, escaping the text around it', () => {
    const { blocks, text } = renderReply(reply);
    expect(JSON.stringify(blocks)).toContain('📅 Due <!date^1796335200^{date_short_pretty} {time}|Thu 3 Dec 17:00> &amp; later');
    expect(JSON.stringify(blocks[0])).toContain('"text":"Due Thu 3 Dec 17:00"');
    expect(text).toContain('<!date^1796335200^');
  });

  it('prints the user local time at the console', () => {
    expect(renderConsole(reply, false)).toBe('Due Thu 3 Dec 17:00\n📅 Due Thu 3 Dec 17:00 & later\nDue: Thu 3 Dec 17:00');
  });
});
