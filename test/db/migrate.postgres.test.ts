import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { expect, it, vi } from 'vitest';
import { applyMigrations, readMigrations } from '../../src/db/migrate.ts';
import { pgRunner } from '../../src/db/runners.ts';
import { scratchMigrations, withPgRunner } from '../support/migrations.ts';
import { createTestDatabase, describeWithPostgres } from '../support/postgres.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

describeWithPostgres('migrator on PostgreSQL', (database) => {
  it('applies every migration and records it in _prisma_migrations with the file checksum', async () => {
    const files = await readMigrations();
    expect(files.map((f) => f.name)).toContain('20261123000000_init');

    const result = await withPgRunner(database().url, (runner) => applyMigrations(runner));
    expect(result.applied).toEqual(files.map((f) => f.name));

    const rows = await withPgRunner(database().url, (runner) =>
      runner.query<MigrationRow>('SELECT * FROM "_prisma_migrations" ORDER BY migration_name'),
    );
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(files.map((f) => [f.name, f.checksum]));
    for (const row of rows) {
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    const tables = await withPgRunner(database().url, (runner) =>
      runner.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`),
    );
    expect(tables.map((t) => t.table_name)).toEqual(['_prisma_migrations', 'audit_checkpoint', 'audit_record', 'audit_seal', 'break_glass_grant', 'consent', 'household', 'involvement', 'person', 'policy_version', 'processing_activity']);
  });

  it('creates _prisma_migrations with the columns and types Prisma uses', async () => {
    const columns = await withPgRunner(database().url, (runner) =>
      runner.query<{ column_name: string; data_type: string; max: number | null; is_nullable: string }>(
        `SELECT column_name, data_type, character_maximum_length AS max, is_nullable FROM information_schema.columns
          WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      ),
    );
    expect(columns.map((c) => `${c.column_name} ${c.data_type}${c.max ? `(${c.max})` : ''} ${c.is_nullable === 'NO' ? 'NOT NULL' : 'NULL'}`)).toEqual([
      'id character varying(36) NOT NULL',
      'checksum character varying(64) NOT NULL',
      'finished_at timestamp with time zone NULL',
      'migration_name character varying(255) NOT NULL',
      'logs text NULL',
      'rolled_back_at timestamp with time zone NULL',
      'started_at timestamp with time zone NOT NULL',
      'applied_steps_count integer NOT NULL',
    ]);
  });

  it('applies nothing the second time', async () => {
    const again = await withPgRunner(database().url, (runner) => applyMigrations(runner));
    expect(again.applied).toEqual([]);
    const [{ count }] = await withPgRunner(database().url, (runner) =>
      runner.query<{ count: number }>('SELECT count(*)::int AS count FROM "_prisma_migrations"'),
    );
    expect(count).toBe((await readMigrations()).length);
  });

  it('refuses, naming the migration, when an applied migration file was edited', async () => {
    const scratch = await scratchMigrations();
    try {
      await appendFile(path.join(scratch.dir, '20261123000000_init', 'migration.sql'), '\n-- edited afterwards\n');
      await expect(withPgRunner(database().url, (runner) => applyMigrations(runner, scratch.dir))).rejects.toThrow(
        /20261123000000_init was changed after it was applied/,
      );
    } finally {
      await scratch.remove();
    }
  });

  it('applies a new migration on top, and rolls back a failing one without recording it', async () => {
    const scratch = await scratchMigrations();
    try {
      await mkdir(path.join(scratch.dir, '20261124000000_add_note'));
      await writeFile(path.join(scratch.dir, '20261124000000_add_note', 'migration.sql'), 'ALTER TABLE "household" ADD COLUMN "note" TEXT;\n');
      await mkdir(path.join(scratch.dir, '20261125000000_broken'));
      await writeFile(
        path.join(scratch.dir, '20261125000000_broken', 'migration.sql'),
        'CREATE TABLE "half_done" ("id" TEXT);\nSELECT no_such_function();\n',
      );
      await withPgRunner(database().url, async (runner) => {
        await expect(applyMigrations(runner, scratch.dir)).rejects.toThrow(/20261125000000_broken failed and was rolled back/);
        const names = await runner.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" ORDER BY 1');
        const repositoryMigrations = (await readMigrations()).map((m) => m.name);
        expect(names.map((n) => n.migration_name)).toEqual([...repositoryMigrations, '20261124000000_add_note'].sort());
        const halfDone = await runner.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
        expect(halfDone).toEqual([]);
      });
    } finally {
      await scratch.remove();
    }
  });

  it('refuses to continue past a migration recorded as started but not finished', async () => {
    await withPgRunner(database().url, async (runner) => {
      await runner.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ('00000000-0000-4000-8000-000000000001', $1, '20261130000000_half', now())`,
        ['0'.repeat(64)],
      );
      try {
        await expect(applyMigrations(runner)).rejects.toThrow(/20261130000000_half is recorded as started but not finished/);
      } finally {
        await runner.query(`DELETE FROM "_prisma_migrations" WHERE migration_name = '20261130000000_half'`);
      }
    });
  });

  it('lets two hubs start at the same time on an empty database', async () => {
    const fresh = await createTestDatabase();
    if (!fresh) throw new Error('PostgreSQL went away during the run');
    const clients = [new pg.Client({ connectionString: fresh.url }), new pg.Client({ connectionString: fresh.url })];
    try {
      await Promise.all(clients.map((client) => client.connect()));
      const results = await Promise.all(clients.map((client) => applyMigrations(pgRunner(client))));
      const names = (await readMigrations()).map((m) => m.name);
      expect(results.flatMap((r) => r.applied).sort()).toEqual(names);
      const rows = await pgRunner(clients[0]).query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"');
      expect(rows).toHaveLength(names.length);
    } finally {
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      await fresh.drop();
    }
  });
});
