import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../src/db/generated/client.ts';
import { openDatabase, type HubDatabase } from '../../src/db/connect.ts';
import { seedDemoData } from '../../src/db/seed.ts';
import { createSubjectProtector, generateMasterKey } from '../../src/crypto/subject-protection.ts';
import { createHouseholdLoaders } from '../../src/households/household-loaders.ts';
import { AccessLog } from '../../src/audit/access-log.ts';
import { AuditChain } from '../../src/audit/audit-chain.ts';
import { writeAuditRecords, type AuditedRequest } from '../../src/audit/audit-writer.ts';
import { genesisHash, hashRecord } from '../../src/audit/record-hash.ts';
import { verifyAuditChain } from '../../src/audit/chain-verifier.ts';
import type { Decision } from '../../src/policy/decide.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { pgRunner } from '../../src/db/runners.ts';

const released = (coordinate: string, basis: string, consentId?: string) => ({ allowed: true, coordinate, basis, consentId, options: [] }) as Decision;

describeWithPostgres('audit writer on PostgreSQL', (database) => {
  let hubDb: HubDatabase;
  let pool: pg.Pool;
  let prisma: PrismaClient;
  let statements = 0;

  beforeAll(async () => {
    hubDb = await openDatabase({ databaseUrl: database().url });
    await seedDemoData(hubDb.prisma, createSubjectProtector(generateMasterKey()));
    // A client whose every statement to PostgreSQL is counted: the real database, nothing stubbed.
    pool = new pg.Pool({ connectionString: database().url });
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        statements++;
        return query(...args);
      };
    });
    prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await pool?.end();
    await hubDb?.close();
  });

  async function requestFor(accessLog: AccessLog): Promise<AuditedRequest> {
    const households = createHouseholdLoaders(prisma);
    // What the gateway has loaded while resolving the query (the loaders are the request's cache).
    await households.membersOf.load('hh-1001');
    const now = new Date();
    return {
      caller: { subject: 'sanne.deboer', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' },
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      foreignOperation: null,
      processingActivityId: 'https://ontschot.example/verwerkingsactiviteiten/wijkteam-ondersteuning/v1',
      name: 'CaseScreen',
      statusCode: 'OK',
      startTime: now,
      endTime: now,
      accessLog,
      households,
    };
  }

  it('writes one record per person of the household in a single database round trip', async () => {
    const accessLog = new AccessLog();
    accessLog.record({ kind: 'household', id: 'hh-1001' }, released('Household.address', 'wmo-wijkteam'));
    accessLog.record({ kind: 'person', id: 'p-2001' }, released('Person.care', 'consent', 'c-1'));
    accessLog.record({ kind: 'person', id: 'p-2002' }, released('Person.housing', 'wmo-wijkteam'));
    const request = await requestFor(accessLog);
    const members = await request.households.membersOf.load('hh-1001');

    statements = 0;
    const written = await writeAuditRecords(new AuditChain(pgRunner(pool)), request);
    expect(statements).toBe(1);
    expect(written).toBe(members.length);

    const rows = await hubDb.prisma.auditRecord.findMany({ where: { traceId: request.traceId } });
    expect(rows).toHaveLength(members.length);
    const mohammed = rows.find((row) => row.subjectKey === members.find((m) => m.id === 'p-2001')!.bsnHash)!;
    expect(mohammed.fieldBases).toEqual({ 'Household.address': 'wmo-wijkteam', 'Person.care': 'consent:c-1' });
  });

  it('links each record to the one before it, across requests, starting from the chain genesis', async () => {
    const chain = new AuditChain(pgRunner(pool));
    for (let i = 0; i < 2; i++) {
      const accessLog = new AccessLog();
      accessLog.record({ kind: 'person', id: 'p-2001' }, released('Person.givenName', 'wmo-wijkteam'));
      accessLog.record({ kind: 'person', id: 'p-2002' }, released('Person.givenName', 'wmo-wijkteam'));
      await writeAuditRecords(chain, await requestFor(accessLog));
    }
    const [first] = await hubDb.prisma.auditRecord.findMany({ where: { chainSeq: 1, fieldsReleased: { equals: ['Person.givenName'] } }, orderBy: { startTime: 'desc' }, take: 1 });
    const rows = await hubDb.prisma.auditRecord.findMany({ where: { chainId: first.chainId }, orderBy: { chainSeq: 'asc' } });
    expect(rows.map((row) => row.chainSeq)).toEqual([1, 2, 3, 4]);
    expect(rows[0].prevHash).toBe(genesisHash(first.chainId));
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].recordHash);
    for (const row of rows) {
      const recomputed = hashRecord({ ...row, prevHash: row.prevHash!, foreignOperation: null, resource: row.resource as Record<string, string>, fieldBases: row.fieldBases as Record<string, string> });
      expect(recomputed).toBe(row.recordHash);
    }
  });

  it('starts a new chain after a failed write, so a chain never forks', async () => {
    const chain = new AuditChain(pgRunner(pool));
    const accessLog = new AccessLog();
    accessLog.record({ kind: 'person', id: 'p-2001' }, released('Person.birthDate', 'wmo-wijkteam'));
    const request = await requestFor(accessLog);
    await writeAuditRecords(chain, request);
    await hubDb.runner.exec('ALTER TABLE audit_record RENAME TO audit_record_offline');
    try {
      await expect(writeAuditRecords(chain, request)).rejects.toThrow();
    } finally {
      await hubDb.runner.exec('ALTER TABLE audit_record_offline RENAME TO audit_record');
    }
    await writeAuditRecords(chain, request);
    const rows = await hubDb.prisma.auditRecord.findMany({ where: { fieldsReleased: { equals: ['Person.birthDate'] } }, orderBy: { endTime: 'asc' } });
    expect(rows).toHaveLength(2);
    expect(rows[0].chainId).not.toBe(rows[1].chainId);
    expect(rows[1].chainSeq).toBe(1);
  });
});

describe('audit writer on PGlite (the embedded default)', () => {
  it('writes chained records that verify', { timeout: 60_000 }, async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    try {
      await seedDemoData(db.prisma, createSubjectProtector(generateMasterKey()));
      const accessLog = new AccessLog();
      accessLog.record({ kind: 'household', id: 'hh-1001' }, released('Household.address', 'wmo-wijkteam'));
      const households = createHouseholdLoaders(db.prisma);
      const now = new Date();
      const chain = new AuditChain(db.runner);
      const request: AuditedRequest = {
        caller: { subject: 'sanne.deboer', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' },
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', name: 'q', statusCode: 'OK', startTime: now, endTime: now,
        foreignOperation: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '1111111111111111', entity: 'urn:ontschot:organisatie:wijkteam-oost' },
        accessLog, households,
      };
      await writeAuditRecords(chain, request);
      await writeAuditRecords(chain, request);
      expect(await verifyAuditChain(db.prisma, { keys: [] })).toMatchObject({ intact: true, checked: 6, chains: 1 });
      const [row] = await db.prisma.auditRecord.findMany({ where: { chainSeq: 1 } });
      expect(row.startTime.toISOString()).toBe(now.toISOString());
      expect(row.fieldBases).toEqual({ 'Household.address': 'wmo-wijkteam' });
    } finally {
      await db.close();
    }
  });
});
