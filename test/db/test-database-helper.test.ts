import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresReachable } from '../support/postgres.ts';

// Port 1 on loopback: nothing listens there, so the connection is refused at once.
const UNREACHABLE = 'postgres://postgres@127.0.0.1:1/postgres';

describe('createTestDatabase', () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
  });

  it('returns null outside CI when PostgreSQL is unreachable, so suites can skip', async () => {
    delete process.env.CI;
    expect(await createTestDatabase(UNREACHABLE)).toBeNull();
  });

  it('fails in CI when PostgreSQL is unreachable', async () => {
    process.env.CI = 'true';
    await expect(createTestDatabase(UNREACHABLE)).rejects.toThrow(/PostgreSQL is required in CI/);
  });

  it.skipIf(!postgresReachable)('creates a uniquely named database and drops it again', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(a!.name).toMatch(/^ontschot_test_[0-9a-f]{12}$/);
      expect(a!.name).not.toBe(b!.name);
      // A session left open must not block drop().
      const lingering = new pg.Client({ connectionString: a!.url });
      await lingering.connect();
      lingering.on('error', () => undefined);
      await a!.drop();
      const admin = new pg.Client({ connectionString: b!.url });
      await admin.connect();
      const { rows } = await admin.query('SELECT datname FROM pg_database WHERE datname = $1', [a!.name]);
      await admin.end();
      expect(rows).toEqual([]);
      await lingering.end().catch(() => undefined);
    } finally {
      await a?.drop();
      await b?.drop();
    }
  });
});
