/** Helpers for migrator tests: a scratch copy of prisma/migrations and single-session pg runners. */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEFAULT_MIGRATIONS_DIR, type SqlRunner } from '../../src/db/migrate.ts';
import { pgRunner } from '../../src/db/runners.ts';

/** Copies the real migrations to a temp folder that a test may edit. */
export async function scratchMigrations(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ontschot-migrations-'));
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs fn with a runner on one dedicated connection (what applyMigrations needs). */
export async function withPgRunner<T>(url: string, fn: (runner: SqlRunner) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(pgRunner(client));
  } finally {
    await client.end();
  }
}
