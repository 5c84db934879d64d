import type { webApi } from '@slack/bolt';
import type { Reply, ReplyFile, ReplyImage } from '../../core/reply.js';
import type { KvStore } from '../../infra/kv/kv.js';
import { renderReply, STORED_VALUE_TTL_MS, type PendingValue, type RenderedMessage, type RenderOptions } from './slack.render.js';

/** Stores the long button values / modal metadata a rendered surface points at. */
export async function storePending(kv: KvStore, pending: PendingValue[]): Promise<void> {
  await Promise.all(pending.map(({ key, value }) => kv.set(key, value, STORED_VALUE_TTL_MS)));
}

/** Renders a reply and stores what its buttons point at, ready to send. */
export async function prepareMessage(kv: KvStore, reply: Reply, options: RenderOptions): Promise<Omit<RenderedMessage, 'pending'>> {
  const { pending, ...message } = renderReply(reply, options);
  try {
    await storePending(kv, pending);
  } catch {
    // The kv store is down: the answer goes out without the buttons whose values could not be kept.
    const { pending: _none, ...plain } = renderReply({ ...reply, buttons: [] }, options);
    return plain;
  }
  return message;
}

/**
 * Posts reply images to a channel with files.uploadV2 (getUploadURLExternal, the upload,
 * completeUploadExternal): Slack messages cannot carry image bytes themselves.
 */
export async function uploadImages(client: webApi.WebClient, channelId: string, images: ReplyImage[]): Promise<void> {
  if (!images.length) return;
  await client.filesUploadV2({
    channel_id: channelId,
    file_uploads: images.map((image) => ({
      file: image.data,
      filename: image.name,
      title: image.alt ?? image.name,
      ...(image.alt ? { alt_text: image.alt } : {}),
    })),
  });
}

/**
 * Uploads reply files (exports: personal data) into the user's direct messages with
 * the bot, never into the channel the command ran in; `channelId` skips the lookup
 * when the DM channel is already known.
 */
export async function uploadFilesToDm(client: webApi.WebClient, userId: string, files: ReplyFile[], channelId?: string): Promise<void> {
  if (!files.length) return;
  const channel = channelId ?? (await client.conversations.open({ users: userId })).channel?.id;
  if (!channel) throw new Error('conversations.open returned no channel');
  await client.filesUploadV2({
    channel_id: channel,
    file_uploads: files.map((file) => ({ file: file.data, filename: file.name, title: file.description ?? file.name })),
  });
}

/** A message for a `response_url` (slash commands, buttons): at most 5 per url within 30 minutes. */
export interface ResponseMessage {
  text: string;
  blocks?: unknown[];
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
}

export async function postToResponseUrl(url: string, message: ResponseMessage): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`response_url answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
}
