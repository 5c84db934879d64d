import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ormConfig, tlsFromUrl } from './orm.js';
import { ActingPostgreSqlDialect } from './acting.js';

describe('TLS to the database from DATABASE_URL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'questlog-tls-'));
  const ca = join(dir, 'root.crt');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n');

  it.each([
    ['postgresql://u:p@db/q', undefined],
    ['postgresql://u:p@db/q?sslmode=disable', false],
    ['postgresql://u:p@db/q?sslmode=require', {}],
    ['postgresql://u:p@db/q?sslmode=verify-full', {}],
    ['postgresql://u:p@db/q?sslmode=no-verify', { rejectUnauthorized: false }],
  ])('%s', (url, tls) => {
    expect(tlsFromUrl(url)).toEqual(tls);
  });

  it('reads the root certificate named by sslrootcert', () => {
    expect(tlsFromUrl(`postgresql://u:p@db/q?sslmode=verify-full&sslrootcert=${encodeURIComponent(ca)}`)).toEqual({
      ca: expect.stringContaining('BEGIN CERTIFICATE'),
    });
  });

  it('hands the settings to the driver (MikroORM drops query parameters from clientUrl)', () => {
    const config = ormConfig({ clientUrl: 'postgresql://u:p@db/q?sslmode=no-verify', entities: [] });
    expect(config.driverOptions).toEqual({ client: ActingPostgreSqlDialect, connection: { ssl: { rejectUnauthorized: false } } });
    // Without TLS settings only the row-level security dialect is handed over.
    expect(ormConfig({ clientUrl: 'postgresql://u:p@db/q', entities: [] }).driverOptions).toEqual({ client: ActingPostgreSqlDialect });
  });
});
