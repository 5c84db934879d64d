import type { Reply } from '../../core/reply.js';
import type { RecentNotification } from './notification.repository.js';
import { CHANNELS, NOTIFICATION_TYPES, type Channel } from './notification.rules.js';
import { notificationMessages as m } from './notification.messages.js';

const strip = (text: string) => text.replace(/\*\*(.+?)\*\*/g, '$1').replace(/\\([\\`*_{}[\]()#+\-.!|~>])/g, '$1');

/** A reply as plain text (email body): title, text, fields, checklist; buttons become the commands to type. */
export function replyAsText(reply: Reply): string {
  const lines: string[] = [];
  if (reply.title) lines.push(strip(reply.title), '');
  if (reply.text) lines.push(strip(reply.text));
  for (const field of reply.fields ?? []) lines.push('', `${strip(field.name)}:`, strip(field.value));
  for (const item of reply.checklist ?? []) lines.push(`${item.done ? '[x]' : '[ ]'} ${strip(item.text)}`);
  if (reply.buttons?.length) lines.push('', ...reply.buttons.map((b) => `${b.label}: /${b.action}`));
  if (reply.footer) lines.push('', strip(reply.footer));
  for (const follow of reply.followUps ?? []) lines.push('', replyAsText(follow));
  return lines.join('\n');
}

export function recentReply(rows: RecentNotification[], zone: string): Reply {
  if (!rows.length) return { title: m.recent_title().text, text: m.none_yet().text, ephemeral: true };
  const when = (d: Date) => d.toLocaleString('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  return {
    title: m.recent_title().text,
    tone: 'info',
    ephemeral: true,
    text: rows.map((r) => `${r.isRead ? '' : '🆕 '}**${r.title}** · ${when(r.createdAt)}${r.message ? `\n${r.message.split('\n')[0]}` : ''}`).join('\n'),
    footer: m.marked_read().text,
  };
}

export function preferencesReply(
  prefs: Array<{ type: string; inApp: boolean; email: boolean }>,
  email: string | null,
  emailAvailable: boolean,
  notice?: string,
): Reply {
  const row = (type: string) => prefs.find((p) => p.type === type) ?? { inApp: true, email: true };
  const mark = (on: boolean) => (on ? 'on' : 'off');
  return {
    title: m.preferences_title().text,
    tone: 'info',
    ephemeral: true,
    text: [...(notice ? [notice, ''] : []), ...NOTIFICATION_TYPES.map((t) => `**${t}**: in_app ${mark(row(t).inApp)} · email ${mark(row(t).email)}`)].join(
      '\n',
    ),
    footer: email ? m.email_on_file({ email, available: emailAvailable }).text : m.email_missing().text,
  };
}

export function channelLabel(channel: Channel): string {
  return channel === 'in_app' ? 'chat messages' : 'email';
}

export { CHANNELS };
