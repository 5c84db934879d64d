import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { KvStore } from '../../infra/kv/kv.js';
import type { ModalSpec, ReplyButton } from '../../core/reply.js';

/** Discord's limit on a component or modal `custom_id`. */
const MAX_CUSTOM_ID = 100;
/** Messages live long; a stored action outlives most of them. Every render refreshes it. */
const STORED_TTL_MS = 90 * 24 * 60 * 60 * 1000;
const STORED = /^([km]):([A-Za-z0-9_-]{1,64})$/;

const modalSchema = z.object({
  title: z.string(),
  action: z.string(),
  fields: z
    .array(
      z.object({
        option: z.string(),
        label: z.string(),
        style: z.enum(['short', 'paragraph']).optional(),
        required: z.boolean().optional(),
        placeholder: z.string().optional(),
        maxLength: z.number().int().optional(),
      }),
    )
    .min(1),
});

export type CustomIdTarget =
  | { kind: 'action'; action: string }
  | { kind: 'modal'; modal: ModalSpec }
  /** A stored action that is gone (expired, or the in-process store restarted). */
  | { kind: 'expired' };

/**
 * Buttons and modals carry their action line as `custom_id`. Lines over 100
 * characters, and the modal a button opens, live in the kv store under a hash
 * (`k:<id>`, `m:<id>`), so identical buttons share one entry.
 */
export class DiscordCustomIds {
  constructor(private readonly kv: KvStore) {}

  async forButton(button: ReplyButton): Promise<string> {
    if (button.modal) return this.store('m', JSON.stringify(button.modal));
    return this.forAction(button.action);
  }

  async forAction(action: string): Promise<string> {
    return action.length <= MAX_CUSTOM_ID && !STORED.test(action) ? action : this.store('k', action);
  }

  async resolve(customId: string): Promise<CustomIdTarget> {
    const stored = STORED.exec(customId);
    if (!stored) return { kind: 'action', action: customId };
    const value = await this.kv.get(key(stored[1]!, stored[2]!));
    if (value === null) return { kind: 'expired' };
    if (stored[1] === 'k') return { kind: 'action', action: value };
    try {
      return { kind: 'modal', modal: modalSchema.parse(JSON.parse(value)) };
    } catch {
      return { kind: 'expired' };
    }
  }

  private async store(prefix: 'k' | 'm', value: string): Promise<string> {
    const id = createHash('sha256').update(value).digest('base64url').slice(0, 22);
    await this.kv.set(key(prefix, id), value, STORED_TTL_MS);
    return `${prefix}:${id}`;
  }
}

function key(prefix: string, id: string): string {
  return `discord:custom-id:${prefix}:${id}`;
}
