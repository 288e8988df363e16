import type { JWK } from 'jose';
import type { AuditRecord, PrismaClient } from '../db/generated/client.ts';
import { verifyCheckpoint, type CheckpointClaims } from './audit-checkpoint.ts';
import { genesisHash, hashRecord, type ForeignOperation } from './record-hash.ts';

/** Chain of the rows written before the hash chain existed (see the migration access_log_ldv). */
export const LEGACY_CHAIN = 'legacy';

export type TamperKind = 'altered' | 'deleted' | 'reordered' | 'checkpoint';

export type VerifyResult =
  | { intact: true; checked: number; chains: number; unchained: number; heads: { chainId: string; seq: number; hash: string }[] }
  | { intact: false; kind: TamperKind; recordId: string | null; message: string; checked: number };

const BATCH = 1000;

class Tampered extends Error {
  constructor(readonly kind: TamperKind, readonly recordId: string | null, message: string) {
    super(message);
  }
}

/**
 * Walks every chain of the access log, from its genesis or from its latest signed purge checkpoint, and
 * stops at the first record that was altered (its content does not match its hash), deleted (a gap in
 * the sequence) or reordered (it does not link to the record before it). Deleting the newest records of
 * a chain leaves no gap; `heads` are the chain heads to note elsewhere to catch that too.
 */
export async function verifyAuditChain(prisma: PrismaClient, hubJwks: { keys: JWK[] }): Promise<VerifyResult> {
  let checked = 0;
  try {
    const checkpoints = await latestCheckpoints(prisma, hubJwks);
    const chainIds = (await prisma.auditRecord.findMany({ where: { chainId: { not: LEGACY_CHAIN } }, distinct: ['chainId'], select: { chainId: true } })).map((row) => row.chainId);
    const heads: { chainId: string; seq: number; hash: string }[] = [];
    for (const chainId of chainIds.sort()) {
      const checkpoint = checkpoints.get(chainId);
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
          checked++;
          expectedSeq = record.chainSeq + 1;
          expectedPrev = record.recordHash!;
          previousId = record.id;
          lastSeen = record.chainSeq;
        }
        if (batch.length < BATCH) break;
      }
      heads.push({ chainId, seq: expectedSeq - 1, hash: expectedPrev });
    }
    const unchained = await prisma.auditRecord.count({ where: { chainId: LEGACY_CHAIN } });
    return { intact: true, checked, chains: chainIds.length, unchained, heads };
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
