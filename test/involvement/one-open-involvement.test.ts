import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { openDatabase, type HubDatabase } from '../../src/db/connect.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { registerInvolvement, type InvolvementKey } from '../../src/involvement/involvement-store.ts';
import { scratchMigrations, withPgRunner } from '../support/migrations.ts';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/postgres.ts';

/**
 * One open-ended involvement per household, organisation and purpose, even when two gateway processes
 * register the same intake at the same moment: each checks first and finds none, and without the
 * database's partial unique index both would insert (migration 20261124200000_one_open_involvement).
 */

const KEY_FOR = (householdId: string): InvolvementKey => ({ householdId, organisationId: 'wijkteam-west', purpose: 'wijkteam-ondersteuning' });
const HOUSEHOLD = { street: 'Teststraat', houseNumber: 1, postcode: '1234AB', city: 'Utrecht' };

describeWithPostgres('registering the same involvement from two processes at once', (database) => {
  let hub: HubDatabase;
  let observer: pg.Client;

  beforeAll(async () => {
    hub = await openDatabase({ databaseUrl: database().url });
    observer = new pg.Client({ connectionString: database().url });
    await observer.connect();
  });
  afterAll(async () => {
    await observer?.end();
    await hub?.close();
  });

  it('stores one involvement: the second registration waits for the first and then changes nothing', async () => {
    const householdId = 'hh-race-1';
    await hub.prisma.household.create({ data: { id: householdId, ...HOUSEHOLD } });
    const key = KEY_FOR(householdId);
    const now = new Date();

    // A registers inside its transaction and holds it open; B, in another transaction, checks, finds no
    // committed involvement and inserts, exactly as a second gateway process would.
    let commitA!: () => void;
    const aMayCommit = new Promise<void>((resolve) => { commitA = resolve; });
    let aRegistered!: () => void;
    const aHasRegistered = new Promise<void>((resolve) => { aRegistered = resolve; });
    const a = hub.prisma.$transaction(async (tx) => {
      const outcome = await registerInvolvement(tx, key, { subject: 'coach-a', organisationId: key.organisationId }, now);
      aRegistered();
      await aMayCommit;
      return outcome;
    }, { timeout: 30_000 });
    await aHasRegistered;

    let bSettled = false;
    const b = hub.prisma.$transaction((tx) => registerInvolvement(tx, key, { subject: 'coach-b', organisationId: key.organisationId }, now), { timeout: 30_000 })
      .finally(() => { bSettled = true; });
    // B either waits on A's uncommitted row (the index) or, without the index, is done already.
    while (!bSettled && !(await blockedOnALock(observer))) await new Promise((resolve) => setTimeout(resolve, 20));
    commitA();

    expect(await a).toEqual({ alreadyInvolved: false });
    expect(await b).toEqual({ alreadyInvolved: true });
    const open = await hub.prisma.involvement.findMany({ where: { householdId, endsAt: null }, select: { registeredBy: true } });
    expect(open).toEqual([{ registeredBy: 'coach-a' }]);
  });

  it('still lets an organisation register again after it ended its involvement', async () => {
    const householdId = 'hh-race-2';
    await hub.prisma.household.create({ data: { id: householdId, ...HOUSEHOLD } });
    const key = KEY_FOR(householdId);
    const actor = { subject: 'coach-a', organisationId: key.organisationId };
    await hub.prisma.$transaction((tx) => registerInvolvement(tx, key, actor, new Date()));
    await hub.prisma.involvement.updateMany({ where: { householdId }, data: { endsAt: new Date(Date.now() - 1000) } });
    expect(await hub.prisma.$transaction((tx) => registerInvolvement(tx, key, actor, new Date()))).toEqual({ alreadyInvolved: false });
    expect(await hub.prisma.involvement.count({ where: { householdId } })).toBe(2);
  });
});

async function blockedOnALock(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
  return rows[0].waiting > 0;
}

describeWithPostgres('the migration that adds the index', () => {
  let scratch: TestDatabase | null;
  let migrations: { dir: string; remove(): Promise<void> };

  beforeAll(async () => {
    scratch = await createTestDatabase();
    migrations = await scratchMigrations();
  });
  afterAll(async () => {
    await migrations?.remove();
    await scratch?.drop();
  });

  it('ends the duplicates an earlier version let in (kept, not deleted), so the oldest stays the involvement', async () => {
    const url = scratch!.url;
    await rm(path.join(migrations.dir, '20261124200000_one_open_involvement'), { recursive: true });
    await withPgRunner(url, (runner) => applyMigrations(runner, migrations.dir));
    await withPgRunner(url, async (runner) => {
      await runner.query(`INSERT INTO household (id, street, house_number, postcode, city) VALUES ('hh-dup', 'Teststraat', 2, '1234AB', 'Utrecht')`);
      const insert = `INSERT INTO involvement (id, household_id, organisation_id, since, purpose, registered_by, registered_at) VALUES ($1, 'hh-dup', 'wijkteam-west', '2026-01-01', 'wijkteam-ondersteuning', $2, $3)`;
      await runner.query(insert, ['00000000-0000-4000-8000-000000000001', 'first', '2026-01-01T10:00:00Z']);
      await runner.query(insert, ['00000000-0000-4000-8000-000000000002', 'second', '2026-01-02T10:00:00Z']);
      await runner.query(insert, ['00000000-0000-4000-8000-000000000003', 'third', '2026-01-03T10:00:00Z']);
    });
    await withPgRunner(url, (runner) => applyMigrations(runner));
    const rows = await withPgRunner(url, (runner) => runner.query<{ registered_by: string; open: boolean; end_reason: string | null }>(
      `SELECT registered_by, ends_at IS NULL AS open, end_reason FROM involvement WHERE household_id = 'hh-dup' ORDER BY registered_at`));
    expect(rows).toEqual([
      { registered_by: 'first', open: true, end_reason: null },
      { registered_by: 'second', open: false, end_reason: 'duplicate of an involvement registered earlier' },
      { registered_by: 'third', open: false, end_reason: 'duplicate of an involvement registered earlier' },
    ]);
  });
});
