/**
 * Group commit of the access-log chain (src/audit/audit-chain.ts) on the real databases: concurrent
 * appends share INSERT statements, every request learns the fate of its own group, a failed group leaves
 * no gap and no fork, and a mutation's transaction between groups keeps its records in the chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditChain } from '../../src/audit/audit-chain.ts';
import { verifyAuditChain } from '../../src/audit/chain-verifier.ts';
import type { LdvRecord } from '../../src/audit/record-hash.ts';
import { openDatabase, IN_MEMORY, type HubDatabase } from '../../src/db/connect.ts';
import type { SqlRunner } from '../../src/db/migrate.ts';
import type { Prisma } from '../../src/db/generated/client.ts';
import { describeWithPostgres } from '../support/postgres.ts';

let serial = 0;
/** `people` records of one request by `professional`; a fresh id per record. */
function requestRecords(professional: string, people = 3): LdvRecord[] {
  const now = new Date();
  return Array.from({ length: people }, (_, person) => ({
    id: `rec-${process.pid}-${++serial}`,
    traceId: `trace-${professional}`, spanId: null, parentSpanId: null, statusCode: 'OK', name: 'CaseScreen', startTime: now, endTime: now,
    foreignOperation: null, resource: { 'service.name': 'ontschot-gateway' }, processingActivityId: null,
    professional, organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning',
    subjectKind: 'PERSON', subjectKey: `subject-${person}`, subjectEncrypted: 'v1.x', lookups: [],
    fieldsReleased: ['Person.givenName'], fieldsWithheld: [], fieldBases: { 'Person.givenName': 'wmo-wijkteam' },
  }));
}

/**
 * The database's runner, counting the access-log INSERT statements sent through it. `holdInserts` keeps
 * the next INSERTs from reaching the database until released: a write "in flight" for as long as a test needs.
 */
function countingInserts(runner: SqlRunner): { runner: SqlRunner; inserts: () => number; holdInserts: () => () => void } {
  let inserts = 0;
  let gate: Promise<void> | undefined;
  return {
    runner: {
      async query(sql, params, preparedAs) {
        if (sql.startsWith('INSERT INTO "audit_record"')) {
          inserts++;
          await gate;
        }
        return runner.query(sql, params, preparedAs);
      },
      exec: (sql) => runner.exec(sql),
    },
    inserts: () => inserts,
    holdInserts: () => {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

/** Lets the chain start the write it has queued (its INSERT then waits at the gate, if held). */
const writeStarted = () => new Promise((resolve) => setImmediate(resolve));

/** What a mutation does (src/audit/audited-change.ts): raw SQL on Prisma's transaction connection. */
function onTransaction(tx: Prisma.TransactionClient): SqlRunner {
  return {
    query: async <T,>(sql: string, params: unknown[] = []) => (await tx.$queryRawUnsafe(sql, ...params)) as T[],
    exec: async (sql: string) => void (await tx.$executeRawUnsafe(sql)),
  };
}

async function rowsOf(db: HubDatabase, professional: string) {
  return db.prisma.auditRecord.findMany({ where: { professional }, orderBy: { chainSeq: 'asc' } });
}

describeWithPostgres('access-log group commit on PostgreSQL', (database) => {
  let db: HubDatabase;
  beforeAll(async () => {
    db = await openDatabase({ databaseUrl: database().url });
    // The fault: any record of the professional "poison" makes the whole INSERT statement fail.
    await db.runner.exec(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.professional = 'poison' THEN RAISE EXCEPTION 'poisoned record'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_poison BEFORE INSERT ON audit_record FOR EACH ROW EXECUTE FUNCTION refuse_poison();`);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('writes 16 concurrent requests in fewer INSERT statements than requests, every record present, the chain intact', async () => {
    const { runner, inserts, holdInserts } = countingInserts(db.runner);
    const chain = new AuditChain(runner);
    const requests = Array.from({ length: 16 }, (_, index) => requestRecords(`concurrent-${index}`, 5));
    // The requests arrive while the first write is in flight, as concurrent HTTP requests do.
    const release = holdInserts();
    const first = chain.append(requestRecords('concurrent-first'));
    await writeStarted();
    const appends = requests.map((records) => chain.append(records));
    release();
    await Promise.all([first, ...appends]);

    expect(inserts()).toBeLessThan(requests.length + 1);
    expect(inserts()).toBe(2); // the first alone (the chain was idle), then the 16 that gathered behind it
    for (let index = 0; index < requests.length; index++) {
      expect((await rowsOf(db, `concurrent-${index}`)).map((row) => row.id)).toEqual(requests[index].map((record) => record.id));
    }
    const { chainId, seq } = chain.currentHead();
    expect(seq).toBe(3 + 16 * 5);
    const chainRows = await db.prisma.auditRecord.findMany({ where: { chainId }, orderBy: { chainSeq: 'asc' } });
    expect(chainRows.map((row) => row.chainSeq)).toEqual(Array.from({ length: seq }, (_, index) => index + 1));
    expect(await verifyAuditChain(db.prisma, { keys: [] })).toMatchObject({ intact: true });
  });

  it('writes a group beyond PostgreSQL\'s 65,535 bind parameters (16 requests of 160 people, 27 columns) in one statement', async () => {
    const { runner, inserts, holdInserts } = countingInserts(db.runner);
    const chain = new AuditChain(runner);
    const release = holdInserts();
    const first = chain.append(requestRecords('large-first', 1));
    await writeStarted();
    const large = Array.from({ length: 16 }, (_, index) => chain.append(requestRecords(`large-${index}`, 160)));
    release();
    await Promise.all([first, ...large]);
    expect(inserts()).toBe(2);
    expect(await db.prisma.auditRecord.count({ where: { chainId: chain.currentHead().chainId } })).toBe(1 + 16 * 160);
  });

  it('rejects every request of a failing group and writes none of its records, then continues on a new chain: no gap, no fork', async () => {
    const { runner, inserts, holdInserts } = countingInserts(db.runner);
    const chain = new AuditChain(runner);
    await chain.append(requestRecords('before-failure'));
    const before = chain.currentHead();

    const release = holdInserts();
    const inFlight = chain.append(requestRecords('in-flight'));
    await writeStarted();
    // These gather behind the write in flight, one of them poisoned: they are one group.
    const group = ['victim-1', 'poison', 'victim-2'].map((professional) => chain.append(requestRecords(professional)));
    release();
    await inFlight;
    const outcomes = await Promise.allSettled(group);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(inserts()).toBe(3);
    for (const professional of ['victim-1', 'poison', 'victim-2']) expect(await rowsOf(db, professional)).toEqual([]);

    // The chain written so far is retired at its last committed record; the next write starts anew.
    expect(chain.takeRetiredHeads()).toEqual([{ chainId: before.chainId, seq: 6, hash: (await rowsOf(db, 'in-flight')).at(-1)!.recordHash }]);
    await chain.append(requestRecords('after-failure'));
    const after = await rowsOf(db, 'after-failure');
    expect(after[0].chainId).not.toBe(before.chainId);
    expect(after.map((row) => row.chainSeq)).toEqual([1, 2, 3]);
    expect(await verifyAuditChain(db.prisma, { keys: [] })).toMatchObject({ intact: true });
  });

  it('refuses a request whose record cannot be serialised (a lone surrogate in a token claim) on its own, not its group', async () => {
    const { runner, inserts, holdInserts } = countingInserts(db.runner);
    const chain = new AuditChain(runner);
    const release = holdInserts();
    const first = chain.append(requestRecords('surrogate-first'));
    await writeStarted();
    const group = ['surrogate-neighbour-1', 'lone \ud800 surrogate', 'surrogate-neighbour-2'].map((professional) => chain.append(requestRecords(professional)));
    release();
    const outcomes = await Promise.allSettled([first, ...group]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(inserts()).toBe(2);
    expect(await rowsOf(db, 'surrogate-neighbour-2')).toHaveLength(3);
  });

  it('fails at once the appends that waited behind a failed group, without writing them', async () => {
    const { runner, inserts } = countingInserts(db.runner);
    const chain = new AuditChain(runner);
    const poisoned = chain.append(requestRecords('poison'));
    const waiting = chain.append(requestRecords('waited-behind-failure'));
    // Same tick: one group with the poison; the request that waited is refused with it.
    await expect(poisoned).rejects.toThrow();
    await expect(waiting).rejects.toThrow();
    expect(inserts()).toBe(1);
    expect(await rowsOf(db, 'waited-behind-failure')).toEqual([]);
  });

  it('keeps a mutation\'s records in its own transaction between two groups, on the one chain', async () => {
    const { runner, holdInserts } = countingInserts(db.runner);
    const chain = new AuditChain(runner);
    const release = holdInserts();
    const firstGroup = chain.append(requestRecords('group-before'));
    await writeStarted();
    // In flight: the group; queued: the mutation, then a new group (an append while the first is written).
    const transaction = chain.inTransaction((append) => db.prisma.$transaction((tx) => append(onTransaction(tx), requestRecords('mutation', 1))));
    const secondGroup = chain.append(requestRecords('group-after'));
    release();
    await Promise.all([firstGroup, transaction, secondGroup]);
    const seqOf = async (professional: string) => (await rowsOf(db, professional)).map((row) => row.chainSeq);
    expect(await seqOf('group-before')).toEqual([1, 2, 3]);
    expect(await seqOf('mutation')).toEqual([4]);
    expect(await seqOf('group-after')).toEqual([5, 6, 7]);
    expect(await verifyAuditChain(db.prisma, { keys: [] })).toMatchObject({ intact: true });
  });

  it('a mutation whose transaction fails after its append leaves no record, and the chain never forks', async () => {
    const chain = new AuditChain(db.runner);
    await chain.append(requestRecords('before-rollback'));
    const { chainId } = chain.currentHead();
    await expect(chain.inTransaction((append) => db.prisma.$transaction(async (tx) => {
      await append(onTransaction(tx), requestRecords('rolled-back', 1));
      throw new Error('the change failed after its record');
    }))).rejects.toThrow('the change failed after its record');
    await chain.append(requestRecords('after-rollback'));
    expect(await rowsOf(db, 'rolled-back')).toEqual([]);
    expect((await rowsOf(db, 'after-rollback'))[0]).toMatchObject({ chainSeq: 1 });
    expect((await rowsOf(db, 'after-rollback'))[0].chainId).not.toBe(chainId);
    expect(await verifyAuditChain(db.prisma, { keys: [] })).toMatchObject({ intact: true });
  });
});

describe('access-log group commit on PGlite (one session)', () => {
  it('appends queued while a mutation holds the chain wait for it, without a deadlock, and are written together', { timeout: 60_000 }, async () => {
    const db = await openDatabase({ dataDir: IN_MEMORY });
    try {
      const { runner, inserts } = countingInserts(db.runner);
      const chain = new AuditChain(runner);
      let queuedDuringTransaction: Promise<void>[] = [];
      await chain.inTransaction((append) => db.prisma.$transaction(async (tx) => {
        // Requests finishing while the mutation's transaction is open: they must not run inside it.
        queuedDuringTransaction = Array.from({ length: 8 }, (_, index) => chain.append(requestRecords(`queued-${index}`, 2)));
        await append(onTransaction(tx), requestRecords('pglite-mutation', 1));
      }));
      await Promise.all(queuedDuringTransaction);
      expect(inserts()).toBe(1); // the 8 queued requests in one statement (the mutation's went through Prisma)
      expect((await rowsOf(db, 'pglite-mutation'))[0].chainSeq).toBe(1);
      expect((await rowsOf(db, 'queued-7')).map((row) => row.chainSeq)).toEqual([16, 17]);
      expect(await verifyAuditChain(db.prisma, { keys: [] })).toMatchObject({ intact: true, checked: 17, chains: 1 });
    } finally {
      await db.close();
    }
  });
});
