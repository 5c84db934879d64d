import type { DependencyType, Priority, QuestStatus } from '../columns.js';

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

/** Statuses of a quest still to do: what `/quest list` shows by default and "open" counts mean. */
export const OPEN_STATUSES: readonly QuestStatus[] = ['DRAFT', 'ACTIVE', 'IN_PROGRESS'];

/** Statuses of a finished quest: ranked last when a reference or a search could mean several. */
export const FINISHED_STATUSES: readonly QuestStatus[] = ['COMPLETED', 'ARCHIVED'];

export function isOpen(status: QuestStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** Priorities from the most to the least pressing: lists show quests in this order. */
export const PRIORITY_ORDER: readonly Priority[] = ['URGENT', 'HIGH', 'MEDIUM', 'LOW'];

/** A priority's rank for sorting, higher first: URGENT 4 ... LOW 1. */
export function priorityRank(priority: Priority): number {
  return PRIORITY_ORDER.length - PRIORITY_ORDER.indexOf(priority);
}

/** The dependency type that holds a quest back from starting or completing. */
export const BLOCKING_DEPENDENCY: DependencyType = 'sequential';

/**
 * A prerequisite still holds its dependent back unless it was completed: a
 * completed quest archived since (it keeps its completion time) counts as done.
 */
export function isUnfinishedPrerequisite(prerequisite: { status: QuestStatus; completedAt?: Date | null }): boolean {
  return prerequisite.status !== 'COMPLETED' && !(prerequisite.status === 'ARCHIVED' && prerequisite.completedAt != null);
}

/**
 * Minutes actually spent on a quest being completed at `now`: the minutes
 * given, else the time since it was started (at least 1) when it is in
 * progress, else unknown.
 */
export function actualDuration(quest: { status: QuestStatus; startedAt: Date | null }, now: Date, minutes?: number | null): number | null {
  if (minutes !== undefined && minutes !== null) return minutes;
  if (quest.status !== 'IN_PROGRESS' || !quest.startedAt) return null;
  return Math.max(1, Math.round((now.getTime() - quest.startedAt.getTime()) / 60_000));
}

/** A quest as a command names it once resolved: by its number, or (found by a title fragment) by its id. */
export type QuestKey = { number: number } | { id: string };
