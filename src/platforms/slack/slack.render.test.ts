import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../core/markdown.js';
import { decodeButton, homeView, modalCommandLine, modalView, ownerOfBlock, readStoredValue, renderReply, toMrkdwn, toPlain } from './slack.render.js';

describe('toMrkdwn', () => {
  it.each([
    ['**bold** and *italic*', '*bold* and _italic_'],
    ['~~gone~~ and `code`', '~gone~ and `code`'],
    ['see [the docs](https://example.com/a?b=1&c=2)', 'see <https://example.com/a?b=1&amp;c=2|the docs>'],
    ['worth **65 XP**.', 'worth *65 XP*.'],
  ])('converts %j', (markdown, mrkdwn) => {
    expect(toMrkdwn(markdown)).toBe(mrkdwn);
  });

  it.each([
    '<!channel> wake up',
    '<!here|here>',
    '<@U0BOB00001> look',
    '<#C0GENERAL1>',
    '<https://evil.example|click me>',
    '[click me](https://evil.example)',
    'a & b > c',
  ])('keeps escaped user text inert: %j', (userText) => {
    const out = toMrkdwn(`Quest: ${escapeMarkdown(userText)} **done**`);
    expect(out).not.toMatch(/<[!@#]|<https?:/);
    expect(out).not.toContain('\\');
    expect(out).toMatch(/\*done\*$/);
  });

  it('escapes entities even in text that was never markdown-escaped', () => {
    expect(toMrkdwn('<!channel> & co')).toBe('&lt;!channel&gt; &amp; co');
  });

  it('restores escaped formatting characters literally', () => {
    expect(toMrkdwn(escapeMarkdown('2*3 = 6 (not **bold**)'))).toBe('2*3 = 6 (not **bold**)');
  });
});

describe('toPlain', () => {
  it('drops markers, code ticks and escapes', () => {
    expect(toPlain(`**#12** ${escapeMarkdown('a_b*c')} \`title\``)).toBe('#12 a_b*c title');
  });
});

describe('renderReply', () => {
  it('renders a quest card as header, text, fields, progress, checklist, context and buttons', () => {
    const { blocks, text } = renderReply(
      {
        title: '#12 Write the report',
        text: 'Created: worth **65 XP**.',
        tone: 'hard',
        fields: [
          { name: 'Status', value: 'Active', inline: true },
          { name: 'XP', value: '65', inline: true },
          { name: 'Waiting on', value: '#9 Gather data', inline: false },
        ],
        progress: { label: '1/2 steps', value: 1, max: 2 },
        checklist: [
          { done: true, text: 'Outline' },
          { done: false, text: 'Draft' },
        ],
        footer: 'page 1 of 1',
        buttons: [
          { label: 'Start', action: 'quest start #12', style: 'primary' },
          { label: 'Delete', action: 'quest delete #12', style: 'danger' },
          { label: 'Undo', action: 'quest undo #12', style: 'secondary' },
        ],
      },
      { owner: 'U0ALICE001' },
    );
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'section', 'section', 'context', 'actions']);
    expect(blocks[2]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Status*\nActive' },
        { type: 'mrkdwn', text: '*XP*\n65' },
      ],
    });
    expect(blocks[4]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '`██████████░░░░░░░░░░` 1/2 steps' } });
    expect(blocks[5]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '✅ ~Outline~\n⬜ Draft' } });
    expect(blocks[7]).toMatchObject({
      block_id: 'ql:U0ALICE001:0',
      elements: [
        { action_id: 'ql:0', value: 'quest start #12', style: 'primary' },
        { action_id: 'ql:1', value: 'quest delete #12', style: 'danger' },
        { action_id: 'ql:2', value: 'quest undo #12' },
      ],
    });
    expect((blocks[7] as { elements: object[] }).elements[2]).not.toHaveProperty('style');
    expect(ownerOfBlock('ql:U0ALICE001:0')).toBe('U0ALICE001');
    expect(text).toBe('#12 Write the report\nCreated: worth *65 XP*.');
  });

  it('shows a title verbatim in the header and entity-escaped in the notification text', () => {
    const { blocks, text } = renderReply({ title: 'Use `grep` & <!here> on a_b*c' });
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Use `grep` & <!here> on a_b*c', emoji: true } });
    expect(text).toBe('Use `grep` &amp; &lt;!here&gt; on a_b*c');
  });

  it('splits more than 10 inline fields over several sections', () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ name: `F${i}`, value: String(i), inline: true }));
    const { blocks } = renderReply({ fields });
    expect(blocks.map((b) => (b as { fields: unknown[] }).fields.length)).toEqual([10, 10, 3]);
  });

  it('splits long text at line breaks into sections of at most 3000 characters', () => {
    const line = 'x'.repeat(1000);
    const { blocks } = renderReply({ text: Array.from({ length: 7 }, () => line).join('\n') });
    const texts = blocks.map((b) => (b as { text: { text: string } }).text.text);
    expect(texts.every((t) => t.length <= 3000)).toBe(true);
    expect(texts.join('\n')).toBe(Array.from({ length: 7 }, () => line).join('\n'));
  });

  it('keeps a button value over 2000 characters in the store and puts its key on the button', async () => {
    const action = `quest list tag:"${'t'.repeat(2100)}"`;
    const { blocks, pending } = renderReply({ buttons: [{ label: 'Next', action }] });
    const value = (blocks[0] as { elements: Array<{ value: string }> }).elements[0]!.value;
    expect(value).toMatch(/^kv:slack:button:[0-9a-f]{40}$/);
    expect(pending).toEqual([{ key: value.slice(3), value: action }]);
    const store = new Map(pending.map((p) => [p.key, p.value]));
    expect(decodeButton((await readStoredValue(value, async (k) => store.get(k) ?? null))!)).toEqual({ action });
    expect(await readStoredValue(value, async () => null)).toBeNull();
  });

  it('carries a modal on its button and turns the submitted fields into options', () => {
    const modal = { title: 'Add a step to #12', action: 'step add quest:#12', fields: [{ option: 'title', label: 'Step', required: true, maxLength: 255 }] };
    const { blocks } = renderReply({ buttons: [{ label: 'Add step', action: 'step add #12', modal }] });
    const value = (blocks[0] as { elements: Array<{ value: string }> }).elements[0]!.value;
    expect(decodeButton(value)).toEqual({ action: 'step add #12', modal });
    const { view } = modalView(modal, { action: modal.action, responseUrl: 'https://hooks.slack.com/x' });
    expect(view.private_metadata).toBe('{"action":"step add quest:#12","responseUrl":"https://hooks.slack.com/x"}');
    expect(modalCommandLine(modal.action, { title: ' Buy "fresh" milk ', notes: '' })).toBe('step add quest:#12 title:"Buy ”fresh” milk"');
  });

  it('omits images with a note when they cannot be uploaded', () => {
    const { blocks } = renderReply({ text: 'Stats', images: [{ name: 'xp.png', data: Buffer.alloc(1), alt: 'XP per day' }] }, { images: 'omit' });
    expect(blocks[1]).toMatchObject({ type: 'context', elements: [{ text: expect.stringContaining('XP per day: not shown here') }] });
  });

  it('cuts a message down to 50 blocks with a note', () => {
    const { blocks } = renderReply({ fields: Array.from({ length: 60 }, (_, i) => ({ name: `F${i}`, value: 'v' })) });
    expect(blocks).toHaveLength(50);
    expect(blocks[49]).toMatchObject({ type: 'context' });
  });

  it('stacks App Home sections with unique action ids', () => {
    const { view } = homeView(
      [
        { text: 'one', buttons: [{ label: 'A', action: 'quest start #1' }] },
        { text: 'two', buttons: [{ label: 'B', action: 'quest start #2' }] },
      ],
      'U0ALICE001',
    );
    const ids = view.blocks
      .filter((b) => b.type === 'actions')
      .flatMap((b) => (b as { elements: Array<{ action_id: string }> }).elements.map((e) => e.action_id));
    expect(ids).toEqual(['ql:0.0', 'ql:1.0']);
    expect(view.blocks.map((b) => b.type)).toEqual(['section', 'actions', 'divider', 'section', 'actions']);
  });
});
