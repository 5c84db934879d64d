import { describe, expect, it } from 'vitest';
import { MemoryKvStore } from '../../infra/kv/memory-kv.js';
import type { Reply, ReplyButton } from '../../core/reply.js';
import { DiscordCustomIds } from './discord.custom-id.js';
import { renderMessage, renderModal, restMessage, TONE_COLOUR } from './discord.render.js';
import { commands } from '../../../commands/index.js';
import { helpForCommand, helpIndex } from '../../core/help.js';
import { CommandRegistry } from '../../core/registry.js';
import type { APIEmbed } from 'discord.js';

/** What Discord counts towards an embed's 6000 characters. */
const embedSize = (e: APIEmbed) =>
  (e.title?.length ?? 0) +
  (e.description?.length ?? 0) +
  (e.footer?.text.length ?? 0) +
  (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);

describe('rendering replies as Discord messages', () => {
  const kv = new MemoryKvStore();
  const ids = new DiscordCustomIds(kv);

  it('renders a quest card as one embed: colour by difficulty, fields, progress bar, checklist, footer, no pings', async () => {
    const reply: Reply = {
      title: '#12 Slay the dragon',
      text: 'Bring a shield @everyone',
      tone: 'hard',
      fields: [
        { name: 'Status', value: 'active', inline: true },
        { name: 'Notes', value: '' },
      ],
      progress: { label: '1/2 steps', value: 1, max: 2 },
      checklist: [
        { done: true, text: 'Find the cave' },
        { done: false, text: 'Sharpen the sword' },
      ],
      footer: 'page 1 of 1',
    };
    const { body, files, ephemeral } = await renderMessage(reply, ids);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.flags).toBeUndefined();
    expect(ephemeral).toBe(false);
    expect(files).toEqual([]);
    expect(body.embeds).toEqual([
      {
        color: TONE_COLOUR.hard,
        title: '#12 Slay the dragon',
        description: 'Bring a shield @everyone\n\n`█████░░░░░` 1/2 steps\n✅ Find the cave\n⬜ Sharpen the sword',
        fields: [
          { name: 'Status', value: 'active', inline: true },
          { name: 'Notes', value: '\u200b' },
        ],
        footer: { text: 'page 1 of 1' },
      },
    ]);
  });

  it('marks private replies ephemeral (flag 64), errors in red', async () => {
    const { body } = await renderMessage({ tone: 'error', ephemeral: true, text: '`title` must be at most 255 characters.' }, ids);
    expect(body.flags).toBe(64);
    expect(body.embeds[0]).toMatchObject({ color: TONE_COLOUR.error, description: '`title` must be at most 255 characters.' });
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it('keeps a long checklist inside the description limit and says how many are left out', async () => {
    const checklist = Array.from({ length: 200 }, (_, i) => ({ done: false, text: `step ${i} ${'x'.repeat(40)}` }));
    const { body } = await renderMessage({ title: 'Big quest', checklist }, ids);
    const description = body.embeds[0]!.description!;
    expect(description.length).toBeLessThanOrEqual(4096);
    expect(description).toMatch(/… and \d+ more$/);
  });

  it('renders the help of every command inside Discord embed limits, one subcommand per line, long fields continued', async () => {
    const registry = new CommandRegistry(commands);
    for (const reply of [helpIndex(registry), ...commands.map((c) => helpForCommand(registry, c.name))]) {
      const embed = (await renderMessage(reply, ids)).body.embeds[0]!;
      expect(embedSize(embed), reply.title).toBeLessThanOrEqual(6000);
      expect(embed.fields!.length).toBeLessThanOrEqual(25);
      for (const field of embed.fields!) {
        expect(field.value.length).toBeLessThanOrEqual(1024);
        expect(field.name.length).toBeLessThanOrEqual(256);
      }
    }
    const index = (await renderMessage(helpIndex(registry), ids)).body.embeds[0]!;
    expect(index.fields!.find((f) => f.name === '/quest')!.value.split('\n')).toContain('`complete` Finish one or several quests and collect their XP');
    const quest = (await renderMessage(helpForCommand(registry, 'quest'), ids)).body.embeds[0]!;
    const text = quest.fields!.map((f) => f.value).join('\n');
    // The long `create` entry goes on in an unnamed field instead of being cut off mid-way.
    expect(text).toContain('e.g. `/quest create');
    expect(quest.fields!.some((f) => f.name === '\u200b')).toBe(true);
  });

  it('leaves out fields past the embed size with a count, instead of a message Discord refuses', async () => {
    const fields = Array.from({ length: 20 }, (_, i) => ({ name: `field ${i}`, value: 'v'.repeat(900) }));
    const embed = (await renderMessage({ title: 'Many', fields }, ids)).body.embeds[0]!;
    expect(embedSize(embed)).toBeLessThanOrEqual(6000);
    expect(embed.fields!.at(-1)).toEqual({ name: '…', value: `${20 - (embed.fields!.length - 1)} more not shown here` });
  });

  it('puts button actions in custom_id, stores long ones under k:<id>, and lays buttons out in rows of 5 (at most 5 rows)', async () => {
    const long = `quest list category:"${'c'.repeat(90)}" page:2`;
    const buttons: ReplyButton[] = [
      { label: 'Complete', action: 'quest complete #12', style: 'success' },
      { label: 'Next ▶', action: long },
      ...Array.from({ length: 30 }, (_, i) => ({ label: `b${i}`, action: `quest view #${i + 1}` })),
    ];
    const { body } = await renderMessage({ text: 'x', buttons }, ids);
    expect(body.components).toHaveLength(5);
    expect(body.components.every((row) => row.type === 1 && row.components.length === 5)).toBe(true);
    const [complete, next] = body.components[0]!.components;
    expect(complete).toEqual({ type: 2, style: 3, label: 'Complete', custom_id: 'quest complete #12' });
    expect(next!.custom_id).toMatch(/^k:[A-Za-z0-9_-]+$/);
    expect(next!.custom_id.length).toBeLessThanOrEqual(100);
    expect(await ids.resolve(next!.custom_id)).toEqual({ kind: 'action', action: long });
    expect(await ids.resolve('k:unknown')).toEqual({ kind: 'expired' });
  });

  it('stores the modal a button opens and renders it with one text input per option', async () => {
    const modal = { title: 'Add a step to #12', action: 'step add quest:#12', fields: [{ option: 'title', label: 'Step', required: true, maxLength: 255 }] };
    const { body } = await renderMessage({ text: 'x', buttons: [{ label: 'Add step', action: 'step add #12', modal }] }, ids);
    const customId = body.components[0]!.components[0]!.custom_id;
    expect(customId).toMatch(/^m:/);
    const target = await ids.resolve(customId);
    expect(target).toEqual({ kind: 'modal', modal });
    expect(await renderModal(modal, ids)).toEqual({
      custom_id: 'step add quest:#12',
      title: 'Add a step to #12',
      components: [{ type: 18, label: 'Step', component: { type: 4, custom_id: 'title', style: 1, required: true, max_length: 255 } }],
    });
  });

  it('attaches images as files shown in the embed, and as multipart parts for REST', async () => {
    const message = await renderMessage(
      { title: 'Your week', images: [{ name: 'week chart.png', data: Buffer.from('png'), alt: 'XP per day' }], ephemeral: true },
      ids,
    );
    expect(message.files).toEqual([{ name: 'week_chart.png', data: Buffer.from('png'), description: 'XP per day' }]);
    expect(message.body.embeds[0]!.image).toEqual({ url: 'attachment://week_chart.png' });
    const rest = restMessage(message, { edit: true });
    expect(rest.body).not.toHaveProperty('flags');
    expect(rest.body.attachments).toEqual([{ id: 0, filename: 'week_chart.png', description: 'XP per day' }]);
    expect(rest.files).toEqual([{ name: 'week_chart.png', data: Buffer.from('png') }]);
  });
});
