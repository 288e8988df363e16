import type { PrismaClient } from '../db/generated/client.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import type { Period } from './period.ts';
import { replayAccessLog } from './replay.ts';
import type { WhatIfReport } from './report.ts';

/** Long enough for a large log; the transaction only reads. */
const READ_ONLY_TRANSACTION = { maxWait: 10_000, timeout: 30 * 60_000 };

/**
 * The dry run on a database this command opened itself: inside one READ ONLY transaction, so it cannot
 * change anything and sees one consistent state of the log and the facts.
 */
export function whatIfReadOnly(prisma: PrismaClient, candidate: PolicySet, label: string, period: Period): Promise<WhatIfReport> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('SET TRANSACTION READ ONLY');
    return replayAccessLog(tx, candidate, label, period);
  }, READ_ONLY_TRANSACTION);
}

