import {
  ButtonStyle,
  ComponentType,
  MessageFlags,
  TextInputStyle,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIEmbedField,
  type APIModalInteractionResponseCallbackData,
} from 'discord.js';
import type { Logger } from '../../infra/logger.js';
import { truncate } from '../../core/text.js';
import { expandReplyTimes, expandTimes, fallbackTime, progressBar, type ModalSpec, type Reply, type ReplyButton, type Tone } from '../../core/reply.js';
import type { DiscordCustomIds } from './discord.custom-id.js';

/** Colours by tone; difficulties follow the presenters' 🟢🟡🟠🟣. */
export const TONE_COLOUR: Record<Tone, number> = {
  neutral: 0x5865f2,
  success: 0x57f287,
  error: 0xed4245,
  info: 0x3498db,
  easy: 0x2ecc71,
  medium: 0xf1c40f,
  hard: 0xe67e22,
  epic: 0x9b59b6,
};

const BUTTON_STYLE: Record<NonNullable<ReplyButton['style']>, APIButtonComponentWithCustomId['style']> = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  success: ButtonStyle.Success,
  danger: ButtonStyle.Danger,
};

/** Discord's message and embed limits. */
const LIMIT = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embed: 6000,
  rows: 5,
  perRow: 5,
  label: 80,
  modalTitle: 45,
  modalFields: 5,
  inputLabel: 45,
  placeholder: 100,
  inputLength: 4000,
};

/** Nobody is ever pinged by what the bot writes (user text included). */
export const NO_MENTIONS = { parse: [] as [] };

export interface DiscordFile {
  name: string;
  data: Buffer;
  description?: string;
}

export interface DiscordMessageBody {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  allowed_mentions: typeof NO_MENTIONS;
  flags?: number;
}

/** A rendered reply: the JSON body Discord takes, plus files to upload beside it. */
export interface DiscordMessage {
  body: DiscordMessageBody;
  files: DiscordFile[];
  ephemeral: boolean;
}

/** Reply -> one Discord message: an embed, button rows, image attachments, the ephemeral flag. */
export async function renderMessage(original: Reply, ids: DiscordCustomIds, logger?: Logger): Promise<DiscordMessage> {
  const reply = discordTimes(original);
  const images = (reply.images ?? []).map((image, i) => ({ name: fileName(image.name, i), data: image.data, description: image.alt?.slice(0, 1024) }));
  const attached = (reply.files ?? []).map((file, i) => ({
    name: fileName(file.name, images.length + i, 'file'),
    data: file.data,
    description: file.description?.slice(0, 1024),
  }));
  const files = [...images, ...attached];
  const embed = renderEmbed(reply, images[0]?.name);
  const body: DiscordMessageBody = {
    embeds: embed ? [embed] : [],
    components: await renderButtons(reply.buttons ?? [], ids, logger),
    allowed_mentions: NO_MENTIONS,
  };
  if (!embed && !files.length) body.content = '✅ Done.';
  if (reply.ephemeral) body.flags = MessageFlags.Ephemeral;
  return { body, files, ephemeral: Boolean(reply.ephemeral) };
}

/** Times show in each viewer's own zone: a full date plus a relative one ("in 3 hours"); titles do not render them. */
function discordTimes(reply: Reply): Reply {
  const titled = reply.title ? { ...reply, title: expandTimes(reply.title, fallbackTime) } : reply;
  return expandReplyTimes(titled, (seconds) => `<t:${seconds}:f> (<t:${seconds}:R>)`);
}

function renderEmbed(reply: Reply, imageName: string | undefined): APIEmbed | undefined {
  const embed: APIEmbed = { color: TONE_COLOUR[reply.tone ?? 'neutral'] };
  if (reply.title) embed.title = truncate(escapeTitle(reply.title), LIMIT.title);
  if (reply.footer) embed.footer = { text: truncate(reply.footer, LIMIT.footer) };
  if (reply.fields?.length) embed.fields = fitFields(reply.fields, LIMIT.embed - (embed.title?.length ?? 0) - (embed.footer?.text.length ?? 0));
  if (imageName) embed.image = { url: `attachment://${imageName}` };
  const used = (embed.title?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  const description = renderDescription(reply, Math.min(LIMIT.description, LIMIT.embed - used));
  if (description) embed.description = description;
  const empty = !embed.title && !embed.description && !embed.fields && !embed.footer;
  return empty && !imageName ? undefined : embed;
}

/**
 * Fields within Discord's limits: a value longer than a field holds goes on in
 * unnamed fields (split at line breaks, so help keeps every line), and fields
 * that would push the embed past its total size are left out with a count, so
 * Discord never refuses the message. `budget` is what the embed has left.
 */
function fitFields(fields: NonNullable<Reply['fields']>, budget: number): APIEmbedField[] {
  const pieces = fields.flatMap((f) =>
    splitValue(f.value).map((value, i) => ({
      first: i === 0,
      field: {
        name: i === 0 ? truncate(f.name, LIMIT.fieldName) || '\u200b' : '\u200b',
        value: value || '\u200b',
        ...(f.inline ? { inline: true } : {}),
      } as APIEmbedField,
    })),
  );
  const reserve = 40; // room for the "… N more" field
  const kept: APIEmbedField[] = [];
  let used = 0;
  for (const [i, { field }] of pieces.entries()) {
    const size = field.name.length + field.value.length;
    const last = i === pieces.length - 1;
    if (kept.length >= LIMIT.fields - (last ? 0 : 1) || used + size > budget - (last ? 0 : reserve)) {
      const left = Math.max(1, pieces.slice(i).filter((p) => p.first).length);
      kept.push({ name: '…', value: `${left} more not shown here` });
      break;
    }
    kept.push(field);
    used += size;
  }
  return kept;
}

/** A field value in pieces Discord takes, cut at line breaks where it can. */
function splitValue(value: string): string[] {
  if (value.length <= LIMIT.fieldValue) return [value];
  const pieces: string[] = [];
  let current = '';
  for (const line of value.split('\n').map((l) => truncate(l, LIMIT.fieldValue))) {
    if (current && current.length + 1 + line.length > LIMIT.fieldValue) {
      pieces.push(current);
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) pieces.push(current);
  return pieces;
}

/** Text, then the progress bar, then the checklist; long checklists end in "… and N more". */
function renderDescription(reply: Reply, max: number): string {
  const head: string[] = [];
  if (reply.text) head.push(reply.text);
  if (reply.progress) {
    const { value, max: total, label } = reply.progress;
    head.push(`\`${progressBar(value, total)}\` ${label ?? `${value}/${total}`}`);
  }
  let text = truncate(head.join('\n\n'), max);
  const items = reply.checklist ?? [];
  for (const [i, item] of items.entries()) {
    const line = `${item.done ? '✅' : '⬜'} ${item.text}`;
    const more = `… and ${items.length - i} more`;
    const separator = i === 0 && text ? '\n' : '';
    const room = max - text.length - separator.length;
    const last = i === items.length - 1;
    if (line.length + (last ? 0 : 1 + more.length) > room) {
      if (more.length <= room) text += `${separator}${more}`;
      break;
    }
    text += `${separator}${line}${last ? '' : '\n'}`;
  }
  return text.replace(/\n$/, '');
}

async function renderButtons(buttons: ReplyButton[], ids: DiscordCustomIds, logger?: Logger): Promise<APIActionRowComponent<APIButtonComponentWithCustomId>[]> {
  const components: APIButtonComponentWithCustomId[] = [];
  const seen = new Set<string>();
  for (const button of buttons.slice(0, LIMIT.rows * LIMIT.perRow)) {
    let customId: string;
    try {
      customId = await ids.forButton(button);
    } catch (error) {
      // The kv store is down: the message still goes out, without this one button.
      logger?.warn({ err: error, action: button.action }, 'button dropped: could not store its action');
      continue;
    }
    if (seen.has(customId)) continue; // Discord refuses duplicate custom_ids in one message.
    seen.add(customId);
    components.push({
      type: ComponentType.Button,
      style: BUTTON_STYLE[button.style ?? 'secondary'],
      label: truncate(button.label, LIMIT.label),
      custom_id: customId,
    });
  }
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  for (let i = 0; i < components.length; i += LIMIT.perRow) {
    rows.push({ type: ComponentType.ActionRow, components: components.slice(i, i + LIMIT.perRow) });
  }
  return rows;
}

/** A modal whose submit runs `modal.action` with the fields as named options (field custom_id = option name). */
export async function renderModal(modal: ModalSpec, ids: DiscordCustomIds): Promise<APIModalInteractionResponseCallbackData> {
  return {
    custom_id: await ids.forAction(modal.action),
    title: truncate(modal.title, LIMIT.modalTitle),
    components: modal.fields.slice(0, LIMIT.modalFields).map((field) => ({
      type: ComponentType.Label,
      label: truncate(field.label, LIMIT.inputLabel),
      component: {
        type: ComponentType.TextInput,
        custom_id: field.option,
        style: field.style === 'paragraph' ? TextInputStyle.Paragraph : TextInputStyle.Short,
        required: field.required ?? false,
        ...(field.placeholder ? { placeholder: truncate(field.placeholder, LIMIT.placeholder) } : {}),
        ...(field.maxLength ? { max_length: Math.min(field.maxLength, LIMIT.inputLength) } : {}),
      },
    })),
  };
}

function fileName(name: string, index: number, fallback: 'image' | 'file' = 'image'): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(-80);
  return safe && safe !== '.' ? safe : fallback === 'image' ? `image-${index + 1}.png` : `file-${index + 1}`;
}

/** A rendered message as a REST request (`@discordjs/rest`): JSON body plus `files[i]` parts it references. */
export function restMessage(
  message: DiscordMessage,
  options: { edit?: boolean } = {},
): { body: Record<string, unknown>; files?: Array<{ name: string; data: Buffer }> } {
  const { flags, ...rest } = message.body;
  // Edits cannot change flags (ephemeral is fixed by the first response).
  const body: Record<string, unknown> = options.edit || flags === undefined ? { ...rest } : { ...rest, flags };
  if (!message.files.length) return { body };
  body.attachments = message.files.map((file, id) => ({ id, filename: file.name, ...(file.description ? { description: file.description } : {}) }));
  return { body, files: message.files.map((file) => ({ name: file.name, data: file.data })) };
}

/** Embed titles render inline markdown but no headings or lists: escape only what formats inline. */
function escapeTitle(title: string): string {
  return title.replace(/([\\`*_~|])/g, '\\$1');
}
