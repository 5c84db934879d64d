import { writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../infra/db/orm.js';
import { entities } from '../modules/entities.js';

/**
 * Runs once per test run. With DATABASE_URL: migrates that database, which then
 * serves as the template every test file clones. Without: migrates an embedded
 * PGlite once and dumps it, so every test file starts from the image.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL) {
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, entities });
    await db.close();
    project.provide('pgliteSeed', '');
    return async () => undefined;
  }
  const db = await openDatabase({ entities });
  const image = await db.dumpEmbedded!();
  await db.close();
  const path = join(tmpdir(), `questlog-test-seed-${process.pid}.tar`);
  await writeFile(path, Buffer.from(await image.arrayBuffer()));
  project.provide('pgliteSeed', path);
  return async () => rm(path, { force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSeed: string;
  }
}
