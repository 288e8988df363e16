import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSubjectProtector } from '../../src/crypto/subject-protection.ts';
import { openDatabase, type HubDatabase } from '../../src/db/connect.ts';
import { seedDemoData } from '../../src/db/seed.ts';
import { allDemoPeople, DEMO_CONSENTS, DEMO_HOUSEHOLDS } from '../../src/demo/population.ts';
import { findClearText } from '../support/clear-text.ts';
import { describeWithPostgres } from '../support/postgres.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const protector = createSubjectProtector(Buffer.alloc(32, 7));
const people = allDemoPeople();
const bsns = people.map((p) => p.bsn);
const expected = { households: DEMO_HOUSEHOLDS.length, people: people.length, consents: DEMO_CONSENTS.length };
const involvementCount = DEMO_HOUSEHOLDS.reduce((n, h) => n + h.involvement.length, 0);

function seedSuite(open: () => Promise<HubDatabase>): void {
  let db: HubDatabase;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  async function tableCounts() {
    const { prisma } = db;
    return {
      households: await prisma.household.count(),
      people: await prisma.person.count(),
      involvement: await prisma.involvement.count(),
      consents: await prisma.consent.count(),
    };
  }

  it('seeds the demo population', async () => {
    expect(await seedDemoData(db.prisma, protector)).toEqual(expected);
    expect(await tableCounts()).toEqual({ ...expected, involvement: involvementCount });
  });

  it('is idempotent: a second run duplicates nothing', async () => {
    expect(await seedDemoData(db.prisma, protector)).toEqual(expected);
    expect(await tableCounts()).toEqual({ ...expected, involvement: involvementCount });
  });

  it('keeps a consent withdrawn after seeding withdrawn when seeding again', async () => {
    const subjectKey = protector.lookupKey(DEMO_CONSENTS[0].subjectBsn);
    const [consent] = await db.prisma.consent.findMany({ where: { subjectKey } });
    expect(consent.withdrawnAt).toBeNull();
    const withdrawnAt = new Date('2026-11-20T12:00:00.000Z');
    await db.prisma.consent.update({ where: { id: consent.id }, data: { withdrawnAt } });
    await seedDemoData(db.prisma, protector);
    expect((await db.prisma.consent.findUniqueOrThrow({ where: { id: consent.id } })).withdrawnAt).toEqual(withdrawnAt);
  });

  it('stores people by keyed hash and encrypted BSN that round-trip', async () => {
    for (const person of people) {
      const row = await db.prisma.person.findUniqueOrThrow({ where: { id: person.id } });
      expect(row.bsnHash).toBe(protector.lookupKey(person.bsn));
      expect(protector.decrypt(row.bsnEncrypted)).toBe(person.bsn);
      expect(row).toMatchObject({ givenName: person.givenName, familyName: person.familyName, birthDate: person.birthDate });
    }
    const household = await db.prisma.household.findUniqueOrThrow({ where: { id: 'hh-1001' }, include: { involvement: true } });
    expect(household).toMatchObject({ houseNumber: 112, houseNumberSuffix: 'bis', regisseurName: 'Sanne de Boer', regisseurOrgId: 'wijkteam-oost' });
    expect(household.involvement.map((i) => i.organisationId).sort()).toEqual(['schuldhulp-gemeente', 'wijkteam-oost', 'woonstichting-de-linde']);
  });

  it('stores consents with subject key, evidence and dates', async () => {
    const withdrawn = DEMO_CONSENTS.find((c) => c.withdrawnAt)!;
    const [row] = await db.prisma.consent.findMany({ where: { subjectKey: protector.lookupKey(withdrawn.subjectBsn) } });
    expect(row).toMatchObject({
      category: withdrawn.category,
      granteeOrganisationId: withdrawn.granteeOrganisationId,
      purpose: withdrawn.purpose,
      evidenceMethod: withdrawn.evidence.method,
      evidenceReference: withdrawn.evidence.reference,
      recordedBy: withdrawn.recordedBy,
      validFrom: new Date(withdrawn.validFrom),
      validUntil: null,
      withdrawnAt: new Date(withdrawn.withdrawnAt!),
    });
  });

  it('has no clear-text BSN in any text column (person table included)', async () => {
    const personColumns = await db.runner.query<{ column_name: string }>(
      `SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'person'`,
    );
    expect(personColumns.length).toBeGreaterThan(0);
    expect(await findClearText(db.runner, bsns)).toEqual([]);
  });

  it('the clear-text scan does find a BSN when one is stored (so the check above can fail)', async () => {
    await db.prisma.auditRecord.create({
      data: {
        id: 'leak-check', traceId: 't', professional: 'p', organisationId: 'o', roles: [], purpose: 'x',
        subjectKey: 'k', subjectEncrypted: 'e', fieldsReleased: [`bsn:${bsns[0]}`], fieldsWithheld: [],
        statusCode: 'OK', name: 'q', startTime: new Date(), endTime: new Date(), resource: {}, chainId: 'leak-check', chainSeq: 1,
      },
    });
    try {
      expect(await findClearText(db.runner, bsns)).toEqual([{ table: 'audit_record', column: 'fields_released', needle: bsns[0] }]);
    } finally {
      await db.prisma.auditRecord.delete({ where: { id: 'leak-check' } });
    }
  });
}

describe('seedDemoData on PGlite (in memory)', () => {
  seedSuite(() => openDatabase({ dataDir: 'memory://' }));
});

describeWithPostgres('seedDemoData on PostgreSQL', (database) => {
  seedSuite(() => openDatabase({ databaseUrl: database().url }));
});
