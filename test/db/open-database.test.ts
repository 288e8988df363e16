import { PGlite } from '@electric-sql/pglite';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/connect.ts';
import { applyMigrations, readMigrations } from '../../src/db/migrate.ts';
import { pgliteRunner } from '../../src/db/runners.ts';
import { describeWithPostgres } from '../support/postgres.ts';

/** Every migration in prisma/migrations, in order: a fresh database gets them all. */
const ALL_MIGRATIONS = (await readMigrations()).map((migration) => migration.name);

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const household = (id: string) => ({ id, street: 'Teststraat', houseNumber: 1, postcode: '3511AA', city: 'Utrecht' });

describe('migrator on PGlite (in memory)', () => {
  it('applies, records the checksum, and applies nothing the second time', async () => {
    const db = await PGlite.create('memory://');
    try {
      const runner = pgliteRunner(db);
      const files = await readMigrations();
      expect((await applyMigrations(runner)).applied).toEqual(files.map((f) => f.name));
      const rows = await runner.query<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name',
      );
      expect(rows).toEqual(files.map((f) => ({ migration_name: f.name, checksum: f.checksum })));
      expect((await applyMigrations(runner)).applied).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe('openDatabase with PGlite in a data folder', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ontschot-pglite-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps data in <dataDir>/pgdata across close and reopen', async () => {
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe('pglite');
    expect(first.migrationsApplied).toEqual(ALL_MIGRATIONS);
    await first.prisma.household.create({ data: household('hh-persist') });
    await first.close();
    expect((await readdir(path.join(dataDir, 'pgdata'))).length).toBeGreaterThan(0);

    const second = await openDatabase({ dataDir });
    try {
      expect(second.migrationsApplied).toEqual([]);
      expect(await second.prisma.household.findUnique({ where: { id: 'hh-persist' } })).toMatchObject({ street: 'Teststraat' });
    } finally {
      await second.close();
    }
  });

  it('starts clean with fresh: true', async () => {
    const db = await openDatabase({ dataDir, fresh: true });
    try {
      expect(db.migrationsApplied).toEqual(ALL_MIGRATIONS);
      expect(await db.prisma.household.count()).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('needs a data folder (or memory://) when no database URL is given', async () => {
    await expect(openDatabase({})).rejects.toThrow(/dataDir/);
  });
});

describeWithPostgres('openDatabase with a PostgreSQL URL', (database) => {
  it('migrates on open, serves Prisma and raw SQL, and ignores fresh', async () => {
    const first = await openDatabase({ databaseUrl: database().url });
    try {
      expect(first.kind).toBe('postgres');
      expect(first.migrationsApplied).toEqual(ALL_MIGRATIONS);
      await first.prisma.household.create({ data: household('hh-pg') });
      expect(await first.runner.query<{ id: string }>('SELECT id FROM "household"')).toEqual([{ id: 'hh-pg' }]);
    } finally {
      await first.close();
    }
    const second = await openDatabase({ databaseUrl: database().url, fresh: true });
    try {
      expect(second.migrationsApplied).toEqual([]);
      expect(await second.prisma.household.count()).toBe(1);
    } finally {
      await second.close();
    }
  });
});
