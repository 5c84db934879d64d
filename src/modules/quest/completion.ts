import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reply } from '../../core/reply.js';
import type { Difficulty } from '../columns.js';

/** A quest at the moment its status changed to COMPLETED. */
export interface CompletedQuest {
  id: string;
  userId: string;
  number: number;
  title: string;
  difficulty: Difficulty;
  estimatedDuration: number;
  actualDuration: number | null;
  categoryId: string | null;
  projectId: string | null;
  completedAt: Date;
  /** False when no quest depends on this one, so there is nothing to unlock. */
  hasDependents?: boolean;
}

/** What completing a quest earned, for the reply. */
export interface CompletionRewards {
  xpAwarded: number;
  /** Lines added to the completion reply (streak, bonus). */
  lines: string[];
  /** Extra messages: level-ups, unlocked achievements. */
  notices: Reply[];
}

/**
 * The one place gamification hooks into completion. It runs inside the
 * completion transaction, and only when the conditional status update changed
 * a row, so rewards are granted exactly once.
 */
export interface CompletionHook {
  onQuestCompleted(em: EntityManager, quest: CompletedQuest, now: Date): Promise<CompletionRewards>;
}
