import { randomUUID } from 'node:crypto';
import type { SqlRunner } from '../db/migrate.ts';
import { insertAuditRecords, type ChainedRecord } from './audit-insert.ts';
import { genesisHash, hashRecord, type LdvRecord } from './record-hash.ts';

/** Where a chain stands: its last record's sequence number and hash (seq 0: nothing written yet). */
export interface ChainHead {
  chainId: string;
  seq: number;
  hash: string;
}

/** Appends the records inside the caller's open transaction; at most once per transaction. */
export type TransactionalAppend = (sql: SqlRunner, records: readonly LdvRecord[]) => Promise<void>;

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
 * writer starts a fresh chain instead of reusing the sequence number: a chain never forks. The head of
 * a chain given up that way stays available to the sealer (`takeRetiredHeads`).
 */
export class AuditChain {
  private chainId = randomUUID();
  private nextSeq = 1;
  private head = genesisHash(this.chainId);
  private queue: Promise<unknown> = Promise.resolve();
  private retired: ChainHead[] = [];
  /** Failed writes so far: an append queued behind one fails at once (see `append`). */
  private failures = 0;

  constructor(private readonly sql: SqlRunner) {}

  /**
   * An append that waited behind a write that failed fails at once, without writing: it would meet the
   * same locked table or lost database, and failing them one lock timeout after another would make the
   * last caller wait for all of them.
   */
  append(records: readonly LdvRecord[]): Promise<void> {
    const failuresBefore = this.failures;
    return this.exclusively(() => {
      if (this.failures > failuresBefore) throw new Error('the access log write before this one failed');
      return this.write(records);
    });
  }

  /**
   * Runs `transaction` (which opens, fills and commits a database transaction of its own) while holding
   * this chain, and gives it `append` to write access records inside that transaction. The in-memory
   * head moves only when `transaction` resolves, that is when its transaction committed; a transaction
   * that failed before its append leaves the head as it was (nothing was written, so no gap). The chain
   * is held from before the transaction begins until after it ends: on PGlite (one session) a queued
   * append would otherwise wait for this transaction while this transaction waits for the chain.
   */
  inTransaction<T>(transaction: (append: TransactionalAppend) => Promise<T>): Promise<T> {
    return this.exclusively(async () => {
      let linked: { head: string; nextSeq: number } | undefined;
      const append: TransactionalAppend = async (sql, records) => {
        if (linked) throw new Error('one access-log append per transaction');
        if (records.length === 0) return;
        const { rows, head, nextSeq } = this.link(records);
        // If this INSERT fails the transaction is aborted and cannot commit: the head stays where it is.
        await insertAuditRecords(sql, rows);
        linked = { head, nextSeq };
      };
      let result: T;
      try {
        result = await transaction(append);
      } catch (error) {
        // Written, then the transaction failed (its COMMIT, or work after the append): whether the
        // database kept the records is unknown, so continue on a new chain rather than risk a fork.
        if (linked) {
          this.failures += 1;
          this.startNewChain();
        }
        throw error;
      }
      if (linked) {
        this.head = linked.head;
        this.nextSeq = linked.nextSeq;
      }
      return result;
    });
  }

  /** Resolves when every append queued so far has ended. */
  settled(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  /** The head of the chain this writer appends to now. */
  currentHead(): ChainHead {
    return { chainId: this.chainId, seq: this.nextSeq - 1, hash: this.head };
  }

  /** Final heads of chains this writer gave up after a failed write (each returned once). */
  takeRetiredHeads(): ChainHead[] {
    const heads = this.retired;
    this.retired = [];
    return heads;
  }

  private exclusively<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private link(records: readonly LdvRecord[]): { rows: ChainedRecord[]; head: string; nextSeq: number } {
    const { chainId } = this;
    let prevHash = this.head;
    let seq = this.nextSeq;
    const rows = records.map((record) => {
      const recordHash = hashRecord({ ...record, chainId, prevHash });
      const row = { ...record, chainId, chainSeq: seq++, prevHash, recordHash };
      prevHash = recordHash;
      return row;
    });
    return { rows, head: prevHash, nextSeq: seq };
  }

  private async write(records: readonly LdvRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { rows, head, nextSeq } = this.link(records);
    try {
      await insertAuditRecords(this.sql, rows);
    } catch (error) {
      this.failures += 1;
      this.startNewChain();
      throw error;
    }
    this.head = head;
    this.nextSeq = nextSeq;
  }

  private startNewChain(): void {
    if (this.nextSeq > 1) this.retired.push(this.currentHead());
    this.chainId = randomUUID();
    this.nextSeq = 1;
    this.head = genesisHash(this.chainId);
  }
}
