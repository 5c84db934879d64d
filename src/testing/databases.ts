import pg from 'pg';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** `baseUrl` with another database name. */
export function databaseUrl(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs work on the server's maintenance database: CREATE/DROP DATABASE cannot run inside their target. */
export async function onServer<T>(baseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(baseUrl, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a database on the server of `baseUrl` (empty, or a copy of `template`,
 * which takes milliseconds for a migrated schema), dropped by the returned function.
 */
export async function createDatabase(baseUrl: string, name: string, options: { template?: string; replace?: boolean } = {}): Promise<ScratchDatabase> {
  await onServer(baseUrl, async (client) => {
    if (options.replace) await client.query(`drop database if exists "${name}" with (force)`);
    const create = `create database "${name}"${options.template ? ` template "${options.template}"` : ''}`;
    // Another test file's clone may be reading the template for a moment: retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(create);
        return;
      } catch (error) {
        if (attempt >= 50 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
  return {
    url: databaseUrl(baseUrl, name),
    drop: () => onServer(baseUrl, async (client) => void (await client.query(`drop database if exists "${name}" with (force)`))),
  };
}
