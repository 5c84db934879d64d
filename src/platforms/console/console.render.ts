import { unescapeMarkdown } from '../../core/markdown.js';
import { expandReplyTimes, fallbackTime, progressBar, type Reply, type Tone } from '../../core/reply.js';

const TONE_COLOR: Record<Tone, number> = { neutral: 37, success: 32, error: 31, info: 36, easy: 32, medium: 33, hard: 35, epic: 95 };

/** Renders a reply as readable terminal text; colour only when asked (a TTY). `savedFiles[i]` is where `reply.files[i]` was written. */
export function renderConsole(original: Reply, colour: boolean, savedFiles: readonly string[] = []): string {
  // Times print in the user's local time, as the presenter wrote them.
  const reply = expandReplyTimes(original, fallbackTime);
  const paint = (code: number, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const bold = (text: string) => (colour ? `\u001b[1m${text}\u001b[22m` : text);
  const inline = (text: string) => {
    const plain = text.replace(/\*\*(.+?)\*\*/g, (_, t: string) => bold(t)).replace(/(?<!\\)`([^`]*)`/g, '$1');
    return unescapeMarkdown(plain);
  };
  const lines: string[] = [];
  const tone = reply.tone ?? 'neutral';
  if (reply.title) lines.push(paint(TONE_COLOR[tone], bold(reply.title)));
  if (reply.text) lines.push(...reply.text.split('\n').map((line) => (tone === 'error' && !reply.title ? paint(31, `✖ ${inline(line)}`) : inline(line))));
  for (const field of reply.fields ?? []) {
    const value = inline(field.value);
    lines.push(value.includes('\n') ? `${bold(inline(field.name))}:\n  ${value.split('\n').join('\n  ')}` : `${bold(inline(field.name))}: ${value}`);
  }
  if (reply.progress) {
    const { value, max, label } = reply.progress;
    lines.push(`${progressBar(value, max, 20)} ${label ?? `${value}/${max}`}`);
  }
  for (const item of reply.checklist ?? []) lines.push(`  ${item.done ? '[x]' : '[ ]'} ${inline(item.text)}`);
  for (const image of reply.images ?? []) lines.push(paint(90, `(image: ${image.name}${image.alt ? ` — ${image.alt}` : ''})`));
  for (const [i, file] of (reply.files ?? []).entries()) {
    const size = formatBytes(file.data.length);
    lines.push(savedFiles[i] ? `📎 Saved ${file.name} (${size}) to ${savedFiles[i]}` : paint(90, `📎 ${file.name} (${size}): not saved (no data directory)`));
  }
  if (reply.footer) lines.push(paint(90, inline(reply.footer)));
  if (reply.buttons?.length) lines.push(paint(90, reply.buttons.map((b) => `[${b.label}: /${b.action}]`).join('  ')));
  const body = lines.join('\n');
  const followUps = (reply.followUps ?? []).map((f) => renderConsole(f, colour));
  return [body, ...followUps].join('\n');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
