import type { JWK } from 'jose';
import type { AuditRecord, PrismaClient } from '../db/generated/client.ts';
import { verifyCheckpoint, type CheckpointClaims } from './audit-checkpoint.ts';
import { verifySeal, type SealClaims } from './chain-seal.ts';
import { genesisHash, hashRecord, type ForeignOperation } from './record-hash.ts';

/** Chain of the rows written before the hash chain existed (see the migration access_log_ldv). */
export const LEGACY_CHAIN = 'legacy';

export type TamperKind = 'altered' | 'deleted' | 'reordered' | 'checkpoint' | 'truncated' | 'seal';

export interface VerifiedHead {
  chainId: string;
  seq: number;
  hash: string;
  /** The sequence number of the chain's newest seal, if it has one. */
  sealedSeq: number | null;
}

export type VerifyResult =
  | { intact: true; checked: number; chains: number; unchained: number; sealed: number; heads: VerifiedHead[] }
  | { intact: false; kind: TamperKind; recordId: string | null; message: string; checked: number };

const BATCH = 1000;

class Tampered extends Error {
  constructor(readonly kind: TamperKind, readonly recordId: string | null, message: string) {
    super(message);
  }
}

export interface VerifyOptions {
  /** Signed seals kept outside the database (the seal file), checked together with those in `audit_seal`. */
  externalSeals?: readonly string[];
}

/**
 * Walks every chain of the access log, from its genesis or from its latest signed purge checkpoint, and
 * stops at the first record that was altered (its content does not match its hash), deleted (a gap in
 * the sequence) or reordered (it does not link to the record before it). Deleting the newest records of
 * a chain leaves no gap: each chain is also checked against its newest seal (signed head, from the
 * database or from `externalSeals`), and a chain that ends before it is reported as truncated.
 */
export async function verifyAuditChain(prisma: PrismaClient, hubJwks: { keys: JWK[] }, options: VerifyOptions = {}): Promise<VerifyResult> {
  let checked = 0;
  try {
    const checkpoints = await latestCheckpoints(prisma, hubJwks);
    const seals = await newestSeals(prisma, hubJwks, options.externalSeals ?? []);
    const recordChains = (await prisma.auditRecord.findMany({ where: { chainId: { not: LEGACY_CHAIN } }, distinct: ['chainId'], select: { chainId: true } })).map((row) => row.chainId);
    // A chain whose records were all deleted is known only from its seal.
    const chainIds = [...new Set([...recordChains, ...seals.keys()])].filter((chainId) => chainId !== LEGACY_CHAIN);
    const heads: VerifiedHead[] = [];
    for (const chainId of chainIds.sort()) {
      const checkpoint = checkpoints.get(chainId);
      const seal = seals.get(chainId);
      let expectedSeq = checkpoint ? checkpoint.lastSeq + 1 : 1;
      let expectedPrev = checkpoint ? checkpoint.lastHash : genesisHash(chainId);
      let previousId = checkpoint?.lastRecordId ?? null;
      let lastSeen: number | undefined;
      for (;;) {
        const batch = await prisma.auditRecord.findMany({
          where: { chainId, ...(lastSeen !== undefined ? { chainSeq: { gt: lastSeen } } : {}) },
          orderBy: { chainSeq: 'asc' },
          take: BATCH,
        });
        if (lastSeen === undefined && checkpoint && batch.length > 0 && batch[0].chainSeq <= checkpoint.lastSeq) {
          throw new Tampered('checkpoint', batch[0].id, `record ${batch[0].id} is covered by the purge checkpoint of chain ${chainId}, yet still present`);
        }
        for (const record of batch) {
          checkRecord(record, expectedSeq, expectedPrev, previousId);
          if (seal && record.chainSeq === seal.seq && record.recordHash !== seal.hash) {
            throw new Tampered('altered', record.id, `record ${record.id} is not the record sealed at sequence ${seal.seq} of chain ${chainId}: the chain was rewritten after it was sealed`);
          }
          checked++;
          expectedSeq = record.chainSeq + 1;
          expectedPrev = record.recordHash!;
          previousId = record.id;
          lastSeen = record.chainSeq;
        }
        if (batch.length < BATCH) break;
      }
      const lastPresent = expectedSeq - 1;
      if (seal && lastPresent < seal.seq) {
        throw new Tampered('truncated', null, `${seal.seq - lastPresent} newest record(s) of chain ${chainId} deleted: sealed head seq ${seal.seq}, last present ${lastPresent}`);
      }
      heads.push({ chainId, seq: lastPresent, hash: expectedPrev, sealedSeq: seal?.seq ?? null });
    }
    const unchained = await prisma.auditRecord.count({ where: { chainId: LEGACY_CHAIN } });
    return { intact: true, checked, chains: chainIds.length, unchained, sealed: seals.size, heads };
  } catch (error) {
    if (error instanceof Tampered) return { intact: false, kind: error.kind, recordId: error.recordId, message: error.message, checked };
    throw error;
  }
}

function checkRecord(record: AuditRecord, expectedSeq: number, expectedPrev: string, previousId: string | null): void {
  if (record.chainSeq > expectedSeq) {
    const missing = record.chainSeq - expectedSeq;
    throw new Tampered('deleted', record.id, `${missing} record(s) deleted before record ${record.id} (chain ${record.chainId}, sequence ${expectedSeq}${missing > 1 ? `-${record.chainSeq - 1}` : ''} missing)`);
  }
  if (record.recordHash === null || record.prevHash === null || hashRecord({ ...ldvFields(record), prevHash: record.prevHash }) !== record.recordHash) {
    throw new Tampered('altered', record.id, `record ${record.id} was altered: its content does not match its hash`);
  }
  if (record.prevHash !== expectedPrev) {
    throw new Tampered('reordered', record.id, `record ${record.id} does not follow ${previousId ? `record ${previousId}` : 'the start of its chain'}: reordered, or the record before it was altered and re-hashed`);
  }
}

function ldvFields(record: AuditRecord) {
  return {
    ...record,
    foreignOperation: record.foreignOperation as ForeignOperation | null,
    resource: record.resource as Record<string, string>,
    fieldBases: record.fieldBases as Record<string, string> | null,
  };
}

/** The latest checkpoint per chain; a checkpoint that is not the hub's, or disagrees with its row, is tampering. */
async function latestCheckpoints(prisma: PrismaClient, hubJwks: { keys: JWK[] }): Promise<Map<string, CheckpointClaims>> {
  const latest = new Map<string, CheckpointClaims>();
  for (const row of await prisma.auditCheckpoint.findMany({ orderBy: { lastSeq: 'asc' } })) {
    let claims: CheckpointClaims;
    try {
      claims = await verifyCheckpoint(row.signed, hubJwks);
    } catch {
      throw new Tampered('checkpoint', row.id, `purge checkpoint ${row.id} does not carry a valid hub signature`);
    }
    if (claims.chainId !== row.chainId || claims.lastSeq !== row.lastSeq) {
      throw new Tampered('checkpoint', row.id, `purge checkpoint ${row.id} disagrees with its signed content`);
    }
    latest.set(claims.chainId, claims);
  }
  return latest;
}

/**
 * The newest seal per chain, from the database and from outside it. A seal without the hub's valid
 * signature, or a database row that disagrees with its signed content, is tampering.
 */
async function newestSeals(prisma: PrismaClient, hubJwks: { keys: JWK[] }, external: readonly string[]): Promise<Map<string, SealClaims>> {
  const newest = new Map<string, SealClaims>();
  const keep = (claims: SealClaims) => {
    if ((newest.get(claims.chainId)?.seq ?? 0) < claims.seq) newest.set(claims.chainId, claims);
  };
  for (const row of await prisma.auditSeal.findMany({ orderBy: { seq: 'asc' } })) {
    let claims: SealClaims;
    try {
      claims = await verifySeal(row.signed, hubJwks);
    } catch {
      throw new Tampered('seal', row.id, `seal ${row.id} of chain ${row.chainId} does not carry a valid hub signature`);
    }
    if (claims.chainId !== row.chainId || claims.seq !== row.seq) throw new Tampered('seal', row.id, `seal ${row.id} disagrees with its signed content`);
    keep(claims);
  }
  for (const [index, signed] of external.entries()) {
    try {
      keep(await verifySeal(signed, hubJwks));
    } catch {
      throw new Tampered('seal', null, `seal ${index + 1} of the seal file does not carry a valid hub signature`);
    }
  }
  return newest;
}
