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
