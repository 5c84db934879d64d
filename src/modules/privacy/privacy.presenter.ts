import type { Reply } from '../../core/reply.js';
import type { HoldingsSummary } from './privacy.repository.js';
import { privacyMessages } from './privacy.messages.js';
import type { ExportFile, ForgetOutcome } from './privacy.service.js';

const PLATFORM_NAMES = { discord: 'Discord', slack: 'Slack', console: 'the console' } as const;

export function exportReply(file: ExportFile): Reply {
  const text = privacyMessages.export_ready({ name: file.name, size: formatBytes(file.data.length), rows: file.rows }).text;
  return {
    title: 'Your Questlog data',
    text: file.compressed ? `${text}\n${privacyMessages.export_compressed().text}` : text,
    tone: 'info',
    ephemeral: true,
    files: [{ name: file.name, data: file.data, contentType: file.contentType, description: 'Everything Questlog stores about you (JSON)' }],
  };
}

export function forgetPrompt(holdings: HoldingsSummary | null): Reply {
  if (!holdings) return { text: privacyMessages.forget_gone().text, tone: 'info', ephemeral: true };
  const accounts = holdings.identities.length
    ? holdings.identities.map((i) => `your ${PLATFORM_NAMES[i.platform]} account`).join(' and ')
    : 'your chat accounts';
  return {
    title: 'Delete everything Questlog knows about you?',
    text: privacyMessages.forget_prompt({ quests: holdings.quests, xp: holdings.experiencePoints, accounts }).text,
    tone: 'neutral',
    ephemeral: true,
    buttons: [
      { label: 'Delete everything', action: 'questlog forget-me confirm:yes', style: 'danger' },
      { label: 'Export first', action: 'questlog export', style: 'secondary' },
    ],
  };
}

export function forgottenReply(outcome: ForgetOutcome | null): Reply {
  if (!outcome) return { text: privacyMessages.forget_gone().text, tone: 'info', ephemeral: true };
  return { text: privacyMessages.forget_done({ rows: outcome.rows }).text, tone: 'success', ephemeral: true };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
