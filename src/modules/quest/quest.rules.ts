import type { QuestStatus } from '../columns.js';

/** Allowed status moves: DRAFT -> ACTIVE -> IN_PROGRESS -> COMPLETED, any -> ARCHIVED, ARCHIVED -> ACTIVE. */
const MOVES: Record<QuestStatus, readonly QuestStatus[]> = {
  DRAFT: ['ACTIVE', 'IN_PROGRESS', 'ARCHIVED'],
  ACTIVE: ['IN_PROGRESS', 'COMPLETED', 'ARCHIVED'],
  IN_PROGRESS: ['COMPLETED', 'ARCHIVED'],
  COMPLETED: ['ARCHIVED'],
  ARCHIVED: ['ACTIVE'],
};

export function canMove(from: QuestStatus, to: QuestStatus): boolean {
  return MOVES[from].includes(to);
}

/** Every status a quest may move to `to` from, e.g. COMPLETED <- ACTIVE, IN_PROGRESS. */
export function movableFrom(to: QuestStatus): QuestStatus[] {
  return (Object.keys(MOVES) as QuestStatus[]).filter((from) => canMove(from, to));
}

/**
 * Where ARCHIVED -> ACTIVE actually lands: a quest archived after completion
 * comes back completed, so it cannot be completed (and rewarded) a second time.
 */
export function unarchivedStatus(completedAt: Date | null): QuestStatus {
  return completedAt ? 'COMPLETED' : 'ACTIVE';
}

/** Why a move is refused, in words a user understands. */
export function refusalReason(from: QuestStatus, to: QuestStatus): string {
  const label = statusLabel(from);
  if (from === to) return `it is already ${label}`;
  if (from === 'COMPLETED') return to === 'ACTIVE' ? 'it is completed (use `/quest undo` within 24 hours to reopen it)' : `it is completed`;
  if (from === 'ARCHIVED') return 'it is archived (unarchive it first)';
  if (from === 'DRAFT' && to === 'COMPLETED') return 'it is still a draft (start it first)';
  return `it is ${label}`;
}

export function statusLabel(status: QuestStatus): string {
  return status.toLowerCase().replace('_', ' ');
}

/** `#12` / `12` -> 12; anything else is a title fragment. */
export function parseQuestNumber(ref: string): number | null {
  const match = /^#?(\d{1,9})$/.exec(ref.trim());
  return match ? Number(match[1]) : null;
}
