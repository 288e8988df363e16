import { randomUUID } from 'node:crypto';
import type { SqlRunner } from '../db/migrate.ts';
import { insertAuditRecords } from './audit-insert.ts';
import { genesisHash, hashRecord, type LdvRecord } from './record-hash.ts';

/**
 * Appends records to this writer's own hash chain in ONE statement per request.
 *
 * Why an in-process chain head and not a chain computed in SQL: the hash covers a canonical JSON
 * serialisation (src/audit/record-hash.ts) that audit:verify recomputes in the same code; doing that in
 * SQL would mean a second implementation of the serialisation, and reading the head inside the statement
 * would serialise all gateways on one row lock. Instead each gateway process owns a chain (a random
 * chain id) and serialises its own appends with a promise queue: the head is known in memory, so the
 * append is one INSERT and costs one database round trip. Several gateways simply write
 * several chains, which audit:verify walks one by one.
 *
 * When an append fails we cannot know whether the database kept it (a lost acknowledgement), so the
 * writer starts a fresh chain instead of reusing the sequence number: a chain never forks.
 */
export class AuditChain {
  private chainId = randomUUID();
  private nextSeq = 1;
  private head = genesisHash(this.chainId);
  private queue: Promise<unknown> = Promise.resolve();
  private failures = 0;

  constructor(private readonly sql: SqlRunner) {}

  /**
   * An append that waited behind a write that failed fails at once, without writing: it would meet the
   * same locked table or lost database, and failing them one lock timeout after another would make the
   * last caller wait for all of them.
   */
  append(records: readonly LdvRecord[]): Promise<void> {
    const failuresBefore = this.failures;
    const appended = this.queue.then(() => {
      if (this.failures > failuresBefore) throw new Error('the access log write before this one failed');
      return this.write(records);
    });
    this.queue = appended.catch(() => undefined);
    return appended;
  }

  private async write(records: readonly LdvRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { chainId } = this;
    let prevHash = this.head;
    let seq = this.nextSeq;
    const rows = records.map((record) => {
      const recordHash = hashRecord({ ...record, chainId, prevHash });
      const row = { ...record, chainId, chainSeq: seq++, prevHash, recordHash };
      prevHash = recordHash;
      return row;
    });
    try {
      await insertAuditRecords(this.sql, rows);
    } catch (error) {
      this.failures += 1;
      this.chainId = randomUUID();
      this.nextSeq = 1;
      this.head = genesisHash(this.chainId);
      throw error;
    }
    this.head = prevHash;
    this.nextSeq = seq;
  }
}
