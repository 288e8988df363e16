import { randomUUID } from 'node:crypto';
import type { SqlRunner } from '../db/migrate.ts';
import { insertAuditRecords, storedRecordJson, type InsertRequest } from './audit-insert.ts';
import {
  canonicalSubject, genesisHash, linkedCanonicalJson, requestTemplate, sha256, type CanonicalRecord, type LdvRecord, type RequestFields, type SubjectFields,
} from './record-hash.ts';

/** Where a chain stands: its last record's sequence number and hash (seq 0: nothing written yet). */
export interface ChainHead {
  chainId: string;
  seq: number;
  hash: string;
}

/** The records of one request: the fields they all share once, and each record's own. */
export interface RequestRecords {
  request: RequestFields;
  subjects: readonly SubjectFields[];
}

/** What `append` takes: the records of one request (cheapest), or any records, each complete. */
export type AppendedRecords = RequestRecords | readonly LdvRecord[];

/**
 * Records serialised for the chain, per request: for the INSERT its fields once and its distinct decision
 * sets; each record's canonical JSON and the index of its decision set.
 */
interface SerialisedRequest {
  requestJson: string;
  sets: readonly string[];
  records: readonly CanonicalRecord[];
  setOfRecord: readonly number[];
}

/** Appends the records inside the caller's open transaction; at most once per transaction. */
export type TransactionalAppend = (sql: SqlRunner, records: AppendedRecords) => Promise<void>;

/** A request's records waiting for the next group write, and how to tell the request how it went. */
interface PendingAppend {
  requests: readonly SerialisedRequest[];
  /** How many records `requests` hold. */
  count: number;
  /** Failed writes when it arrived: a write that fails after that fails this append too (see `append`). */
  failuresBefore: number;
  written: () => void;
  failed: (error: unknown) => void;
}

/**
 * A group write takes at most this many records (a request's records are never split): a bound on the
 * statement's size and on the time its records are hashed in one go. A request of a hundred people on
 * each of 16 concurrent requests is 1,600.
 */
const MAX_GROUP_RECORDS = 20_000;

/**
 * Appends records to this writer's own hash chain, the appends of concurrent requests together (group
 * commit): ONE statement, so one round trip and one commit, per group.
 *
 * Why an in-process chain head and not a chain computed in SQL: the hash covers a canonical JSON
 * serialisation (src/audit/record-hash.ts) that audit:verify recomputes in the same code; doing that in
 * SQL would mean a second implementation of the serialisation, and reading the head inside the statement
 * would serialise all gateways on one row lock. Instead each gateway process owns a chain (a random
 * chain id) and serialises its own appends with a promise queue: the head is known in memory, so the
 * append is one INSERT and costs one database round trip. Several gateways simply write
 * several chains, which audit:verify walks one by one.
 *
 * Group commit: while a write is in flight, the appends that arrive wait together, and the next write
 * links and inserts all of them at once; each request's promise settles only when that statement has
 * committed (resolved) or failed (all of them rejected: the plugin then answers AUDIT_UNAVAILABLE). An
 * append that arrives while the chain is idle is written at once, so nobody waits for a timer.
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
  /** Appends not yet taken by a group write, in arrival order. */
  private pending: PendingAppend[] = [];
  /** A group write is in the queue and has not started: a new append joins it. */
  private groupWriteQueued = false;
  private retired: ChainHead[] = [];
  /** Failed writes so far: an append queued behind one fails at once (see `append`). */
  private failures = 0;

  constructor(private readonly sql: SqlRunner) {}

  /**
   * Resolves when the records are durably written. The records are serialised here, before they join
   * the queue, so the chain's critical section only links and hashes them. An append that waited behind
   * a write that failed fails at once, without writing: it would meet the same locked table or lost
   * database, and failing them one lock timeout after another would make the last caller wait for all of them.
   */
  append(records: AppendedRecords): Promise<void> {
    const count = 'subjects' in records ? records.subjects.length : records.length;
    if (count === 0) return Promise.resolve();
    let requests: SerialisedRequest[];
    try {
      requests = serialise(records);
    } catch (error) {
      // A record that cannot be serialised (a lone surrogate) fails its own request, not its group.
      return Promise.reject(error);
    }
    return new Promise((written, failed) => {
      this.pending.push({ requests, count, failuresBefore: this.failures, written, failed });
      if (!this.groupWriteQueued) {
        this.groupWriteQueued = true;
        void this.exclusively(() => this.writeGroup());
      }
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
        if (('subjects' in records ? records.subjects.length : records.length) === 0) return;
        const { rows, head, nextSeq } = this.link(serialise(records));
        // If this INSERT fails the transaction is aborted and cannot commit: the head stays where it is.
        await insertAuditRecords(sql, this.chainId, rows);
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

  /** Resolves when every append queued so far has ended (also a group that a full group left for later). */
  async settled(): Promise<void> {
    let queue: Promise<unknown>;
    do {
      queue = this.queue;
      await queue;
    } while (queue !== this.queue);
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

  /** Gives each record its place in the chain: its links, its hash, and its row for the INSERT. */
  private link(requests: readonly SerialisedRequest[]): { rows: InsertRequest[]; head: string; nextSeq: number } {
    const { chainId } = this;
    let prevHash = this.head;
    let seq = this.nextSeq;
    const rows = requests.map(({ requestJson, sets, records, setOfRecord }) => ({
      requestJson,
      sets,
      records: records.map((record, index) => {
        const recordHash = sha256(linkedCanonicalJson(record, { chainId, prevHash }));
        const row = storedRecordJson(record.subjectMembers, setOfRecord[index], seq++, prevHash, recordHash);
        prevHash = recordHash;
        return row;
      }),
    }));
    return { rows, head: prevHash, nextSeq: seq };
  }

  /** One group write: every pending append (up to MAX_GROUP_RECORDS) in one INSERT. */
  private async writeGroup(): Promise<void> {
    this.groupWriteQueued = false;
    const group = this.takeGroup();
    if (this.pending.length > 0) {
      // More than one write's worth arrived: the rest is the next group.
      this.groupWriteQueued = true;
      void this.exclusively(() => this.writeGroup());
    }
    const live: PendingAppend[] = [];
    for (const append of group) {
      if (this.failures > append.failuresBefore) append.failed(new Error('the access log write before this one failed'));
      else live.push(append);
    }
    if (live.length === 0) return;
    try {
      const { rows, head, nextSeq } = this.link(live.flatMap((append) => append.requests));
      try {
        await insertAuditRecords(this.sql, this.chainId, rows);
      } catch (error) {
        this.failures += 1;
        this.startNewChain();
        throw error;
      }
      this.head = head;
      this.nextSeq = nextSeq;
    } catch (error) {
      for (const append of live) append.failed(error);
      return;
    }
    for (const append of live) append.written();
  }

  private takeGroup(): PendingAppend[] {
    let records = 0;
    let taken = 0;
    while (taken < this.pending.length && (taken === 0 || records + this.pending[taken].count <= MAX_GROUP_RECORDS)) {
      records += this.pending[taken].count;
      taken++;
    }
    return this.pending.splice(0, taken);
  }

  private startNewChain(): void {
    if (this.nextSeq > 1) this.retired.push(this.currentHead());
    this.chainId = randomUUID();
    this.nextSeq = 1;
    this.head = genesisHash(this.chainId);
  }
}

/**
 * Serialises a request's shared fields once and each record's own; complete records each on their own.
 * Records whose decision fields are the same three objects (src/audit/audit-writer.ts shares them between
 * people with the same decisions) share one decision set in the INSERT: serialised in this one pass, the
 * same objects have the same JSON.
 */
function serialise(records: AppendedRecords): SerialisedRequest[] {
  if ('subjects' in records) {
    const template = requestTemplate(records.request);
    const sets: string[] = [];
    const setOf = new Map<object, { released: object; withheld: object; index: number }[]>();
    const canonical: CanonicalRecord[] = [];
    const setOfRecord: number[] = [];
    for (const subject of records.subjects) {
      const record = canonicalSubject(template, subject);
      canonical.push(record);
      const { fieldBases, fieldsReleased: released, fieldsWithheld: withheld } = subject;
      const known = fieldBases ? setOf.get(fieldBases) : undefined;
      let set = known?.find((candidate) => candidate.released === released && candidate.withheld === withheld)?.index;
      if (set === undefined) {
        set = sets.push(`{${record.decisionMembers}}`) - 1;
        if (fieldBases) setOf.set(fieldBases, [...(known ?? []), { released, withheld, index: set }]);
      }
      setOfRecord.push(set);
    }
    return [{ requestJson: template.requestJson, sets, records: canonical, setOfRecord }];
  }
  return records.map((record) => {
    const template = requestTemplate(record);
    const canonical = canonicalSubject(template, record);
    return { requestJson: template.requestJson, sets: [`{${canonical.decisionMembers}}`], records: [canonical], setOfRecord: [0] };
  });
}
