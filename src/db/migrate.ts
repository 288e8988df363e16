/**
 * The hub's own migrator. The Prisma CLI cannot run `migrate` on these machines (no schema-engine
 * download), so this applies `prisma/migrations/<name>/migration.sql` itself and records every
 * migration in Prisma's `_prisma_migrations` table, exactly as Prisma would, so that a team with the
 * engine can still run `prisma migrate deploy` / `migrate status` against the same database.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The smallest thing the migrator needs from a database. All calls on one runner must go to the same
 * session (a `pg.Client` / checked-out `PoolClient`, or a PGlite instance): the migrator issues
 * BEGIN/COMMIT and takes a session advisory lock, which mean nothing on a pool.
 */
export interface SqlRunner {
  /**
   * One statement. `preparedAs` names it as a prepared statement (node-postgres parses and plans it once
   * per connection); use it only for hot statements whose text repeats.
   */
  query<T>(sql: string, params?: unknown[], preparedAs?: string): Promise<T[]>;
  /** Runs a script of one or more statements without parameters. */
  exec(sql: string): Promise<void>;
}

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 of the file's bytes, lowercase hex: what Prisma stores in `_prisma_migrations.checksum`. */
  checksum: string;
}

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/** The key `prisma migrate` itself locks on, so our migrator and Prisma's exclude each other too. */
const PRISMA_MIGRATION_LOCK_KEY = 72707369;

// Same DDL as Prisma's schema engine uses for PostgreSQL.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

export function checksumOf(sql: Buffer | string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Migration folders in name order (Prisma's timestamp prefix makes that chronological). */
export async function readMigrations(migrationsDir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const file = path.join(migrationsDir, name, 'migration.sql');
    const exists = await stat(file).then((s) => s.isFile(), () => false);
    if (!exists) throw new Error(`Migration folder ${name} has no migration.sql (in ${migrationsDir})`);
    const bytes = await readFile(file);
    migrations.push({ name, sql: bytes.toString('utf8'), checksum: checksumOf(bytes) });
  }
  return migrations;
}

/**
 * Applies pending migrations, each in its own transaction, under Prisma's advisory lock.
 * Idempotent. Throws, naming the migration, when an applied migration's file was edited afterwards or
 * when the table records a failed migration (Prisma's P3009 situation) that needs a human.
 */
export async function applyMigrations(runner: SqlRunner, migrationsDir?: string): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(migrationsDir);
  await runner.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATION_LOCK_KEY]);
  let failed = false;
  try {
    // Under the lock: two hubs racing on CREATE TABLE IF NOT EXISTS can otherwise both fail.
    await runner.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await runner.query<MigrationRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    );
    const live = rows.filter((row) => row.rolled_back_at === null);

    const unfinished = live.find((row) => row.finished_at === null);
    if (unfinished) {
      throw new Error(
        `Migration ${unfinished.migration_name} is recorded as started but not finished in _prisma_migrations. ` +
          'Resolve it (e.g. `prisma migrate resolve`) before the hub can migrate.',
      );
    }

    const appliedChecksums = new Map(live.map((row) => [row.migration_name, row.checksum]));
    for (const migration of migrations) {
      const recorded = appliedChecksums.get(migration.name);
      if (recorded !== undefined && recorded !== migration.checksum) {
        throw new Error(
          `Migration ${migration.name} was changed after it was applied (checksum in database ${recorded}, ` +
            `file ${migration.checksum}). Restore the file and add a new migration instead.`,
        );
      }
    }

    const applied: string[] = [];
    for (const migration of migrations) {
      if (appliedChecksums.has(migration.name)) continue;
      await applyOne(runner, migration);
      applied.push(migration.name);
    }
    return { applied };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // Ending the session releases the lock too; don't let a failing unlock hide the real error.
    await runner.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATION_LOCK_KEY]).catch((error: unknown) => {
      if (!failed) throw error;
    });
  }
}

async function applyOne(runner: SqlRunner, migration: MigrationFile): Promise<void> {
  const startedAt = new Date();
  await runner.exec('BEGIN');
  try {
    await runner.exec(migration.sql);
    // applied_steps_count 1 and logs NULL: what Prisma writes for a script migration that succeeded.
    await runner.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
      [randomUUID(), migration.checksum, migration.name, startedAt.toISOString()],
    );
    await runner.exec('COMMIT');
  } catch (error) {
    await runner.exec('ROLLBACK').catch(() => undefined);
    throw new Error(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`, { cause: error });
  }
}
