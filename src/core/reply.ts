/**
 * The neutral reply model. Commands return it; each platform renders it
 * (console text, Discord embeds + components, Slack Block Kit).
 */

export type Tone = 'neutral' | 'success' | 'error' | 'info' | 'easy' | 'medium' | 'hard' | 'epic';

export interface ReplyField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface ProgressBar {
  label?: string;
  value: number;
  max: number;
}

export interface ChecklistItem {
  done: boolean;
  text: string;
}

/** A modal asks for some options of a command; fixed args are filled in already. */
export interface ModalSpec {
  title: string;
  /** The command line the submitted values complete, e.g. `step add quest:#12`. */
  action: string;
  fields: Array<{
    option: string;
    label: string;
    style?: 'short' | 'paragraph';
    required?: boolean;
    placeholder?: string;
    maxLength?: number;
  }>;
}

export interface ReplyButton {
  label: string;
  /**
   * The command line the button runs for whoever clicks it, in the text grammar
   * (e.g. `quest complete #12`). Platforms carry it as the button's id; dispatch
   * resolves it against the clicking user, so it grants nothing by itself.
   */
  action: string;
  style?: 'primary' | 'secondary' | 'success' | 'danger';
  /** When set, clicking opens this modal instead of running `action` directly. */
  modal?: ModalSpec;
}

export interface ReplyImage {
  name: string;
  data: Buffer;
  alt?: string;
}

/** A file that goes with the reply (an export): an attachment on Discord, a DM upload on Slack, a saved file on the console. */
export interface ReplyFile {
  name: string;
  data: Buffer;
  /** MIME type, e.g. `application/json`. */
  contentType: string;
  description?: string;
}

export interface Reply {
  /** Plain text (may hold user text verbatim); renderers escape it for their platform. */
  title?: string;
  text?: string;
  tone?: Tone;
  fields?: ReplyField[];
  progress?: ProgressBar;
  checklist?: ChecklistItem[];
  buttons?: ReplyButton[];
  footer?: string;
  images?: ReplyImage[];
  /** Files attached to the reply; private replies keep them private on every platform. */
  files?: ReplyFile[];
  /** Only the invoking user sees it (errors, private data). */
  ephemeral?: boolean;
  /** Extra messages that follow the reply (level-ups, unlocked achievements). */
  followUps?: Reply[];
}

export function progressBar(value: number, max: number, width = 10): string {
  const ratio = max <= 0 ? 1 : Math.min(1, Math.max(0, value / max));
  const filled = Math.round(ratio * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}
