/**
 * Throw-away PostgreSQL databases for tests. Each call creates `ontschot_test_<random>` on the local
 * server and `drop()` removes it again, so suites never share state or touch the `test` database.
 *
 * Usage:
 *   describeWithPostgres('my suite', (database) => {
 *     it('works', async () => { const url = database().url; ... });
 *   });
 * The suite gets its own database (created in beforeAll, dropped in afterAll). When PostgreSQL is not
 * reachable the suite is skipped with a visible message, except in CI (CI=true) where that is an error.
 * Set ONTSCHOT_TEST_PG_ADMIN_URL to use another server.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';

export const ADMIN_URL = process.env.ONTSCHOT_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function connectAdmin(adminUrl: string): Promise<pg.Client | null> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL is required in CI but ${redact(adminUrl)} is unreachable: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return null;
  }
}

/** Creates a fresh, empty database; null when PostgreSQL is unreachable outside CI. */
export async function createTestDatabase(adminUrl: string = ADMIN_URL): Promise<TestDatabase | null> {
  const admin = await connectAdmin(adminUrl);
  if (!admin) return null;
  const name = `ontschot_test_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = await connectAdmin(adminUrl);
      if (!client) return;
      try {
        // pg's pool.end() resolves before its backends have exited; FORCE would terminate them and the
        // pool would raise the termination as an uncaught error. Let closed sessions finish first.
        for (let wait = 0; wait < 40; wait++) {
          const { rows } = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        // WITH (FORCE) (PG 13+) terminates sessions a test left open (e.g. a pool not yet ended).
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Probed once per test file at import time, so a skipped suite says why. */
export const postgresReachable: boolean = await (async () => {
  const client = await connectAdmin(ADMIN_URL);
  if (!client) return false;
  await client.end();
  return true;
})();

export function describeWithPostgres(name: string, fn: (database: () => TestDatabase) => void): void {
  // Outside CI a machine without PostgreSQL skips these suites, visibly; in CI the probe above throws.
  if (!postgresReachable) console.warn(`[skip] "${name}": PostgreSQL not reachable at ${redact(ADMIN_URL)} (set CI=true to make this an error)`);
  describe.skipIf(!postgresReachable)(name, () => {
    let database: TestDatabase | null = null;
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => {
      await database?.drop();
    });
    fn(() => {
      if (!database) throw new Error('The test database was not created (beforeAll failed?)');
      return database;
    });
  });
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
