import type { HubSigningKey } from '../auth/hub-signing-key.ts';
import type { PrismaClient } from '../db/generated/client.ts';
import { signCheckpoint } from './audit-checkpoint.ts';
import { LEGACY_CHAIN } from './chain-verifier.ts';

export interface PurgeResult {
  purged: number;
  checkpoints: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The moment before which records have outlived a retention of `days` days. */
export function retentionCutoff(days: number, now = new Date()): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/**
 * Removes access records that ended before `cutoff`. Per chain only an unbroken prefix goes (a record
 * that is still young keeps every later one), and each purge leaves a checkpoint signed with the hub key:
 * the last purged record's sequence, id and hash and how many went, so audit:verify can go on checking
 * the rest of the chain from there. Checkpoint and deletion commit together. Runs as the database owner:
 * the hub's runtime role may not delete from the access log.
 */
export async function purgeExpiredRecords(prisma: PrismaClient, hubKey: HubSigningKey, cutoff: Date): Promise<PurgeResult> {
  let purged = 0;
  let checkpoints = 0;
  const chains = await prisma.auditRecord.findMany({ where: { endTime: { lt: cutoff } }, distinct: ['chainId'], select: { chainId: true } });
  for (const { chainId } of chains) {
    if (chainId === LEGACY_CHAIN) {
      // Unchained rows from before the hash chain: nothing to vouch for, they simply expire.
      purged += (await prisma.auditRecord.deleteMany({ where: { chainId, endTime: { lt: cutoff } } })).count;
      continue;
    }
    const firstKept = await prisma.auditRecord.findFirst({ where: { chainId, endTime: { gte: cutoff } }, orderBy: { chainSeq: 'asc' }, select: { chainSeq: true } });
    const expired = { chainId, ...(firstKept ? { chainSeq: { lt: firstKept.chainSeq } } : {}) };
    const last = await prisma.auditRecord.findFirst({ where: expired, orderBy: { chainSeq: 'desc' }, select: { id: true, chainSeq: true, recordHash: true } });
    if (!last) continue;
    const count = await prisma.auditRecord.count({ where: expired });
    const signed = await signCheckpoint(hubKey, {
      chainId,
      lastSeq: last.chainSeq,
      lastRecordId: last.id,
      lastHash: last.recordHash!,
      purgedCount: count,
      purgedAt: new Date().toISOString(),
    });
    await prisma.$transaction(async (tx) => {
      await tx.auditCheckpoint.create({ data: { chainId, lastSeq: last.chainSeq, signed } });
      const removed = await tx.auditRecord.deleteMany({ where: { chainId, chainSeq: { lte: last.chainSeq } } });
      if (removed.count !== count) throw new Error(`chain ${chainId} changed during the purge; nothing was removed`);
    });
    purged += count;
    checkpoints++;
  }
  return { purged, checkpoints };
}
