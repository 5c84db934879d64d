import { scoringSpans } from '../leaderboard/leaderboard.rules.js';
/** One SQL statement with its `?` parameters. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/**
 * Runs `statements` as data-modifying CTEs of `main`: one round trip instead of
 * several. They see the same snapshot and must not touch the rows `main` reads;
 * their order among themselves is unspecified, so they must not depend on each other.
 */
export function alongside(statements: SqlStatement[], main: SqlStatement): SqlStatement {
  if (!statements.length) return main;
  const ctes = statements.map((s, i) => `side_${i} as (${s.sql})`).join(',\n');
  const trimmed = main.sql.trimStart();
  const sql = /^with\s/i.test(trimmed) ? `with ${ctes},\n${trimmed.replace(/^with\s+/i, '')}` : `with ${ctes}\n${trimmed}`;
  return { sql, params: [...statements.flatMap((s) => s.params), ...main.params] };
}

/**
 * A user's ledger sums for the current UTC week and month, as a lateral join
 * (`join`, whose `params` come first) exposing `week` and `month` (`columns`).
 */
export function ledgerSums(userIdColumn: string, now: Date): { join: string; columns: string; params: string[] } {
  const { week, month } = scoringSpans(now);
  const since = week.from < month.from ? week.from : month.from;
  return {
    join: `left join lateral (select sum(amount) filter (where created_at >= ?::timestamptz and created_at < ?::timestamptz) as week,
        sum(amount) filter (where created_at >= ?::timestamptz and created_at < ?::timestamptz) as month
      from experience_events where user_id = ${userIdColumn} and created_at >= ?::timestamptz) ledger_sums on true`,
    columns: 'coalesce(ledger_sums.week, 0)::int as week, coalesce(ledger_sums.month, 0)::int as month',
    params: [week.from, week.to, month.from, month.to, since].map((d) => d.toISOString()),
  };
}
