/**
 * A throw-away PostgreSQL database for a bench run, made and dropped by the same helper the tests use
 * (test/support/postgres.ts; server from ONTSCHOT_TEST_PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { createTestDatabase, type TestDatabase } from '../test/support/postgres.ts';

export async function createBenchDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  if (!database) throw new Error('PostgreSQL is not reachable: the bench needs it on 127.0.0.1:5432 (or ONTSCHOT_TEST_PG_ADMIN_URL)');
  return database;
}
