import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  dump(): Promise<Blob>;
  close(): Promise<void>;
}

/**
 * Embedded PostgreSQL for local mode: PGlite in a data directory, served on a
 * loopback port so the same `@mikro-orm/postgresql` driver and SQL run as in
 * production. PGlite is single-session, so clients must use one connection.
 */
export async function startEmbeddedPostgres(dataDir: string | undefined, seed?: Blob): Promise<EmbeddedPostgres> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  // A seed image (a dumped, already migrated database) skips initdb: tests start in a fraction of the time.
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(seed ? { loadDataDir: seed } : {}),
    // A personal task list needs little cache; the 128MB default costs that much RSS.
    postgresqlconf: ['shared_buffers = 32MB'],
  });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const conn = server.getServerConn();
  const port = Number(conn.slice(conn.lastIndexOf(':') + 1));
  return {
    dump: () => db.dumpDataDir('none'),
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
