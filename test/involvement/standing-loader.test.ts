import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { pgRunner } from '../../src/db/runners.ts';
import { openDatabase, type HubDatabase } from '../../src/db/connect.ts';
import { seedDemoData } from '../../src/db/seed.ts';
import { createSubjectProtector } from '../../src/crypto/subject-protection.ts';
import type { PrismaClient } from '../../src/db/generated/client.ts';
import { createConsentLoader } from '../../src/consent/consent-loader.ts';
import { createStandingLoader, readConsentsWithStanding, type StandingReader } from '../../src/involvement/standing-loader.ts';

const CALLER = { subject: 'wijkcoach-1', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };

describeWithPostgres('the standing statement with the consents', (database) => {
  let hub: HubDatabase;
  beforeAll(async () => {
    hub = await openDatabase({ databaseUrl: database().url });
    await seedDemoData(hub.prisma, createSubjectProtector(randomBytes(32)));
  });
  afterAll(async () => hub?.close());

  /** A consent loader that notes which keys it had to read itself. */
  function consentLoader() {
    const read: string[] = [];
    const prisma = {
      consent: {
        findMany: (args: { where: { subjectKey: { in: string[] } } }) => {
          read.push(...args.where.subjectKey.in);
          return hub.prisma.consent.findMany(args);
        },
      },
    } as unknown as PrismaClient;
    return { loader: createConsentLoader(prisma), read };
  }

  beforeAll(async () => {
    // A record with every moment set, to the millisecond: read as UTC, as Prisma does.
    const someone = await hub.prisma.person.findFirstOrThrow({ where: { householdId: 'hh-1001' } });
    await hub.prisma.consent.create({
      data: {
        subjectKey: someone.bsnHash, category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning',
        validFrom: new Date('2026-01-02T03:04:05.678Z'), validUntil: new Date('2027-01-02T03:04:05.006Z'), withdrawnAt: new Date('2026-06-07T08:09:10.111Z'),
        confirmedAt: new Date('2026-01-03T00:00:00.001Z'), evidenceMethod: 'WRITTEN', evidenceReference: 'DMS-1', recordedBy: 'tester',
      },
    });
  });

  // The gateway reads on the pool (a prepared statement), the policy dry run through Prisma: both alike.
  it.each(['pool', 'prisma'] as const)('hands each member of a household where the caller is involved exactly the consent records Prisma reads, and nothing of other households (read on the %s)', async (on) => {
    const households = (await hub.prisma.household.findMany({ orderBy: { id: 'asc' } })).map((household) => household.id);
    const consents = consentLoader();
    const standing = createStandingLoader(on === 'pool' ? hub.runner : hub.prisma, CALLER, undefined, consents.loader);
    readConsentsWithStanding(standing);
    const standings = await standing.loadMany(households);
    const involved = new Set(households.filter((_id, index) => (standings[index] as { involved: boolean }).involved));
    expect(involved.size).toBeGreaterThan(0);
    expect(involved.size).toBeLessThan(households.length);

    const people = await hub.prisma.person.findMany({ where: { householdId: { in: households } } });
    let withRecords = 0;
    for (const person of people) {
      const primed = await consents.loader.load(person.bsnHash);
      if (!involved.has(person.householdId)) continue;
      const rows = await hub.prisma.consent.findMany({ where: { subjectKey: person.bsnHash } });
      const expected = rows.map(({ id, subjectKey, category, granteeOrganisationId, purpose, validFrom, validUntil, withdrawnAt, confirmedAt }) => ({ id, subjectKey, category, granteeOrganisationId, purpose, validFrom, validUntil, withdrawnAt, confirmedAt }));
      expect(primed).toEqual(expected);
      if (expected.length > 0) withRecords += 1;
    }
    expect(withRecords).toBeGreaterThan(0);
    // The members of households where the caller is not involved were not read with the standing: their
    // consent look-ups went to the database themselves.
    const outside = people.filter((person) => !involved.has(person.householdId)).map((person) => person.bsnHash);
    expect(outside.length).toBeGreaterThan(0);
    expect(consents.read.sort()).toEqual(outside.sort());
  });

  it('fails closed per person when the consents cannot be read: the standing still comes, each member\'s consent look-up fails', async () => {
    // A database on which any statement reading the consent table fails (as when that table is locked).
    const failingConsents: StandingReader = {
      query: <T>(sql: string, params?: unknown[], preparedAs?: string) =>
        /"consent"/.test(sql) ? Promise.reject(new Error('canceling statement due to lock timeout')) : hub.runner.query<T>(sql, params, preparedAs),
    };
    const consents = consentLoader();
    const standing = createStandingLoader(failingConsents, CALLER, undefined, consents.loader);
    readConsentsWithStanding(standing);
    expect((await standing.load('hh-1001')).involved).toBe(true);
    const members = await hub.prisma.person.findMany({ where: { householdId: 'hh-1001' } });
    expect(members.length).toBeGreaterThan(0);
    for (const member of members) await expect(consents.loader.load(member.bsnHash)).rejects.toThrow(/lock timeout/);
    expect(consents.read).toEqual([]);
  });

  it('reads no consents with the standing unless asked to', async () => {
    const consents = consentLoader();
    const standing = createStandingLoader(hub.runner, CALLER, undefined, consents.loader);
    await standing.load('hh-1001');
    const members = await hub.prisma.person.findMany({ where: { householdId: 'hh-1001' } });
    await consents.loader.loadMany(members.map((person) => person.bsnHash));
    expect(consents.read.sort()).toEqual(members.map((person) => person.bsnHash).sort());
  });

  it('is planned once per connection, not at every execution: after five executions PostgreSQL keeps the generic plan', async () => {
    // One session of its own: prepared statements and their plan counts are per connection.
    const client = new pg.Client({ connectionString: database().url });
    await client.connect();
    try {
      for (let request = 0; request < 8; request++) {
        // A new loader per request, as the gateway makes them; one household, as a case screen asks.
        const standing = createStandingLoader(pgRunner(client), CALLER);
        expect(await standing.load('hh-1001')).toEqual({ involved: true });
      }
      const { rows } = await client.query<{ generic_plans: string; custom_plans: string }>(`SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'standing-%'`);
      expect(rows).toHaveLength(1);
      // PostgreSQL tries five custom plans before it compares; a text[] of ids kept it planning anew each time.
      expect(Number(rows[0].custom_plans)).toBeLessThanOrEqual(5);
      expect(Number(rows[0].generic_plans)).toBeGreaterThanOrEqual(3);
    } finally {
      await client.end();
    }
  });
});

