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

const TIME_TOKEN = /\uE000(-?\d+)\|([^\uE000\uE001]*)\uE001/g;

/**
 * A moment in a reply's text: each platform shows it in the viewer's own zone
 * where it can (Discord `<t:…>`, Slack `<!date^…>`) and as `fallback` (already
 * in the user's local time) elsewhere. Private-use marks delimit it.
 */
export function timeToken(at: Date, fallback: string): string {
  return `\uE000${Math.floor(at.getTime() / 1000)}|${fallback.replace(/[\uE000\uE001|]/g, '')}\uE001`;
}

/** Replaces every time token in `text`. */
export function expandTimes(text: string, render: (epochSeconds: number, fallback: string) => string): string {
  return text.replace(TIME_TOKEN, (_, seconds: string, fallback: string) => render(Number(seconds), fallback));
}

/** The reply with `expand` applied to every piece of its text (follow-ups included). */
export function expandReplyTimes(reply: Reply, render: (epochSeconds: number, fallback: string) => string): Reply {
  const x = (text: string | undefined) => (text === undefined || !text.includes('\uE000') ? text : expandTimes(text, render));
  return {
    ...reply,
    title: x(reply.title),
    text: x(reply.text),
    footer: x(reply.footer),
    fields: reply.fields?.map((f) => ({ ...f, name: x(f.name)!, value: x(f.value)! })),
    checklist: reply.checklist?.map((c) => ({ ...c, text: x(c.text)! })),
    followUps: reply.followUps?.map((f) => expandReplyTimes(f, render)),
  };
}

/** The fallback text of every time token (console, plain text). */
export const fallbackTime = (_seconds: number, fallback: string) => fallback;
