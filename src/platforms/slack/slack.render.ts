import { createHash } from 'node:crypto';
import type { types } from '@slack/bolt';
import { quoteArg } from '../../core/grammar.js';
import { expandTimes, fallbackTime, progressBar, type ModalSpec, type Reply, type ReplyButton } from '../../core/reply.js';
import { truncate } from '../../core/text.js';

/**
 * Reply -> Block Kit. Reply text is Discord-flavoured markdown with user text
 * backslash-escaped; Slack's mrkdwn differs (`*bold*`, `_italic_`) and parses
 * `<!channel>`, `<@U…>` and `<url|label>` in any text, so every mrkdwn string
 * goes through `toMrkdwn`, which escapes `&`, `<`, `>` before anything else.
 */

type Block = types.KnownBlock;

/** Slack's documented limits, the ones a long reply can hit. */
const LIMIT = {
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  header: 150,
  buttonText: 75,
  buttonValue: 2000,
  elementsPerActions: 25,
  messageBlocks: 50,
  viewBlocks: 100,
  modalTitle: 24,
  metadata: 3000,
  fallbackText: 3000,
} as const;

/** Every button this app renders has an `action_id` with this prefix. */
export const BUTTON_PREFIX = 'ql:';
/** `callback_id` of the modals opened from reply buttons. */
export const MODAL_CALLBACK = 'ql_modal';
/** A button value (or modal metadata) too long for Slack, kept in the store under this key. */
const STORED_PREFIX = 'kv:';
/** Stored values outlive the messages that point at them by a comfortable margin. */
export const STORED_VALUE_TTL_MS = 30 * 24 * 3600_000;

/** A value the caller must put in the kv store before sending the message. */
export interface PendingValue {
  key: string;
  value: string;
}

export interface RenderedMessage {
  text: string;
  blocks: Block[];
  pending: PendingValue[];
}

export interface RenderOptions {
  /** Slack user id whose buttons these are: clicks by anyone else are refused (see `ownerOfBlock`). */
  owner?: string;
  /** `omit` when the images cannot follow as uploads (ephemeral replies, App Home). */
  images?: 'upload' | 'omit';
  /** 50 for messages, 100 for views. */
  maxBlocks?: number;
  /** Keeps action ids unique when several replies share one view. */
  idPrefix?: string;
}

/** What a button carries back when clicked. */
export interface ButtonPayload {
  action: string;
  modal?: ModalSpec;
}

/** Converts reply markdown to Slack mrkdwn that cannot mention, link or break out of formatting. */
export function toMrkdwn(markdown: string): string {
  const literals: string[] = [];
  // Backslash escapes mark user text: keep those characters out of every rule below.
  let text = markdown.replace(/[\u0000-\u0002]/g, '').replace(/\\([^\sA-Za-z0-9])/g, (_, ch: string) => `\u0000${literals.push(ch) - 1}\u0000`);
  text = escapeEntities(text)
    .replace(/\*\*(.+?)\*\*/g, '\u0001$1\u0001')
    .replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])/g, '$1_$2_')
    .replace(/__(.+?)__/g, '_$1_')
    .replace(/~~(.+?)~~/g, '~$1~')
    .replace(/\[([^\]\n|]+)\]\((https?:\/\/[^\s)|]+)\)/g, '<$2|$1>')
    .replace(/\u0001/g, '*');
  text = text.replace(/\u0000(\d+)\u0000/g, (_, i: string) => escapeEntities(literals[Number(i)]!));
  // Times show in each viewer's own zone; the fallback is the user's local time.
  return expandTimes(text, (seconds, fallback) => `<!date^${seconds}^{date_short_pretty} {time}|${fallback}>`);
}

/** Reply markdown as plain text (modal field errors): no markers, no escapes. */
export function toPlain(markdown: string): string {
  return markdown
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/(?<!\\)`([^`]*)`/g, '$1')
    .replace(/\\([^\sA-Za-z0-9])/g, '$1');
}

function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Splits long mrkdwn at line breaks into chunks Slack accepts. */
function chunks(text: string, max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const piece = truncate(line, max);
    if (current && current.length + 1 + piece.length > max) {
      out.push(current);
      current = piece;
    } else current = current ? `${current}\n${piece}` : piece;
  }
  if (current) out.push(current);
  return out;
}

const mrkdwnSection = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });

/** Renders one reply as a message (or part of a view): blocks, the notification text, and values to store. */
export function renderReply(original: Reply, options: RenderOptions = {}): RenderedMessage {
  // Headers are plain text: times there read as the user's local time.
  const reply = original.title ? { ...original, title: expandTimes(original.title, fallbackTime) } : original;
  const blocks: Block[] = [];
  const pending: PendingValue[] = [];
  // Titles are plain text and plain_text is never parsed for mentions or links: verbatim is safe.
  if (reply.title) blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(reply.title, LIMIT.header), emoji: true } });
  if (reply.text) {
    const warn = reply.tone === 'error' ? '⚠️ ' : '';
    for (const chunk of chunks(warn + toMrkdwn(reply.text), LIMIT.sectionText)) blocks.push(mrkdwnSection(chunk));
  }
  let inline: Array<{ type: 'mrkdwn'; text: string }> = [];
  const flushInline = () => {
    if (inline.length) blocks.push({ type: 'section', fields: inline });
    inline = [];
  };
  for (const field of reply.fields ?? []) {
    const text = `*${toMrkdwn(field.name)}*\n${toMrkdwn(field.value)}`;
    if (field.inline) {
      inline.push({ type: 'mrkdwn', text: truncate(text, LIMIT.fieldText) });
      if (inline.length === LIMIT.fieldsPerSection) flushInline();
    } else {
      flushInline();
      for (const chunk of chunks(text, LIMIT.sectionText)) blocks.push(mrkdwnSection(chunk));
    }
  }
  flushInline();
  if (reply.progress) {
    const { value, max, label } = reply.progress;
    blocks.push(mrkdwnSection(`\`${progressBar(value, max, 20)}\` ${label ? toMrkdwn(label) : `${value}/${max}`}`));
  }
  if (reply.checklist?.length) {
    const lines = reply.checklist.map((item) => (item.done ? `✅ ~${toMrkdwn(item.text)}~` : `⬜ ${toMrkdwn(item.text)}`));
    for (const chunk of chunks(lines.join('\n'), LIMIT.sectionText)) blocks.push(mrkdwnSection(chunk));
  }
  const context: string[] = [];
  if (reply.images?.length && options.images === 'omit') {
    context.push(`🖼️ ${reply.images.map((i) => toMrkdwn(i.alt ?? i.name)).join(', ')}: not shown here; run the command in a channel or DM to see the image.`);
  }
  if (reply.files?.length) {
    context.push(`📎 ${reply.files.map((f) => toMrkdwn(f.name)).join(', ')}: sent to your direct messages with Questlog.`);
  }
  if (reply.footer) context.push(toMrkdwn(reply.footer));
  if (context.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(context.join('\n'), LIMIT.sectionText) }] });
  const buttons = reply.buttons ?? [];
  for (let start = 0; start < buttons.length; start += LIMIT.elementsPerActions) {
    const row = buttons.slice(start, start + LIMIT.elementsPerActions);
    blocks.push({
      type: 'actions',
      block_id: `${BUTTON_PREFIX}${options.owner ?? ''}:${options.idPrefix ?? ''}${start}`,
      elements: row.map((button, i) => {
        const encoded = encodeButton(button);
        if (encoded.pending) pending.push(encoded.pending);
        const style = button.style === 'primary' || button.style === 'success' ? 'primary' : button.style === 'danger' ? 'danger' : undefined;
        return {
          type: 'button' as const,
          action_id: `${BUTTON_PREFIX}${options.idPrefix ?? ''}${start + i}`,
          text: { type: 'plain_text' as const, text: truncate(button.label, LIMIT.buttonText), emoji: true },
          value: encoded.value,
          ...(style ? { style: style as 'primary' | 'danger' } : {}),
        };
      }),
    });
  }
  const maxBlocks = options.maxBlocks ?? LIMIT.messageBlocks;
  if (blocks.length > maxBlocks) {
    blocks.splice(maxBlocks - 1, blocks.length, { type: 'context', elements: [{ type: 'mrkdwn', text: '…more than fits in one Slack message.' }] });
  }
  return { text: fallbackText(reply), blocks, pending };
}

/** The top-level `text`: what notifications and screen readers show. */
function fallbackText(reply: Reply): string {
  const parts = [reply.title ? escapeEntities(reply.title) : undefined, reply.text ? toMrkdwn(reply.text) : undefined].filter(Boolean);
  return truncate(parts.join('\n') || 'Questlog', LIMIT.fallbackText);
}

/** Long values go to the store; the button then carries their key. */
function encodeButton(button: ReplyButton): { value: string; pending?: PendingValue } {
  const raw = button.modal ? JSON.stringify({ action: button.action, modal: button.modal } satisfies ButtonPayload) : button.action;
  return storeIfLong(raw, LIMIT.buttonValue, 'slack:button:');
}

function storeIfLong(raw: string, max: number, namespace: string): { value: string; pending?: PendingValue } {
  if (raw.length <= max) return { value: raw };
  const key = `${namespace}${createHash('sha256').update(raw).digest('hex').slice(0, 40)}`;
  return { value: `${STORED_PREFIX}${key}`, pending: { key, value: raw } };
}

/** Reads a value written by `renderReply`/`modalView`, fetching stored ones; null when it expired. */
export async function readStoredValue(value: string, load: (key: string) => Promise<string | null>): Promise<string | null> {
  return value.startsWith(STORED_PREFIX) ? load(value.slice(STORED_PREFIX.length)) : value;
}

/** Decodes a clicked button's value (after `readStoredValue`). */
export function decodeButton(raw: string): ButtonPayload {
  if (!raw.startsWith('{')) return { action: raw };
  const parsed = JSON.parse(raw) as ButtonPayload;
  return { action: String(parsed.action), modal: parsed.modal };
}

/** The Slack user whose buttons an actions block holds, if the renderer recorded one. */
export function ownerOfBlock(blockId: string | undefined): string | undefined {
  const match = /^ql:([^:]*):/.exec(blockId ?? '');
  return match?.[1] || undefined;
}

/** Where a modal's result goes once submitted, plus the command line it completes. */
export interface ModalMetadata {
  action: string;
  responseUrl?: string;
  home?: boolean;
}

/** A modal asking for the fields of a `ModalSpec`; one input block per option, named after it. */
export function modalView(modal: ModalSpec, metadata: ModalMetadata): { view: types.ModalView; pending: PendingValue[] } {
  const stored = storeIfLong(JSON.stringify(metadata), LIMIT.metadata, 'slack:modal:');
  return {
    pending: stored.pending ? [stored.pending] : [],
    view: {
      type: 'modal',
      callback_id: MODAL_CALLBACK,
      private_metadata: stored.value,
      title: { type: 'plain_text', text: truncate(modal.title, LIMIT.modalTitle) },
      submit: { type: 'plain_text', text: 'Save' },
      close: { type: 'plain_text', text: 'Cancel' },
      blocks: modal.fields.map((field) => ({
        type: 'input',
        block_id: field.option,
        optional: !field.required,
        label: { type: 'plain_text', text: truncate(field.label, 2000) },
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          multiline: field.style === 'paragraph',
          ...(field.maxLength ? { max_length: field.maxLength } : {}),
          ...(field.placeholder ? { placeholder: { type: 'plain_text', text: truncate(field.placeholder, 150) } } : {}),
        },
      })),
    },
  };
}

/** The command line a submitted modal runs: its action plus `option:value` for every filled field. */
export function modalCommandLine(action: string, values: Record<string, string | undefined>): string {
  const named = Object.entries(values)
    .filter(([, value]) => value !== undefined && value.trim() !== '')
    .map(([option, value]) => `${option}:${quoteArg(value!.trim())}`);
  return [action, ...named].join(' ');
}

/** The App Home tab: replies stacked with dividers, within the view's block limit. */
export function homeView(sections: Reply[], owner: string): { view: types.HomeView; pending: PendingValue[] } {
  const blocks: Block[] = [];
  const pending: PendingValue[] = [];
  sections.forEach((section, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    const rendered = renderReply(section, { owner, images: 'omit', idPrefix: `${i}.`, maxBlocks: LIMIT.viewBlocks });
    blocks.push(...rendered.blocks);
    pending.push(...rendered.pending);
  });
  if (blocks.length > LIMIT.viewBlocks) blocks.splice(LIMIT.viewBlocks);
  return { view: { type: 'home', blocks }, pending };
}
