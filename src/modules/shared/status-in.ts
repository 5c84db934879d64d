import type { QuestStatus } from '../columns.js';

/**
 * `<column> in ('A', 'B')` for a fixed list of statuses (enum words, written into the text): a plain
 * filter for the planner, where `in (select jsonb_array_elements_text(?))` plans a semi-join on every call.
 */
export const statusIn = (column: string, statuses: readonly QuestStatus[]): string => `${column} in (${statuses.map((s) => `'${s}'`).join(', ')})`;
