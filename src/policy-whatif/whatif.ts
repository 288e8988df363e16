import type { Prisma, PrismaClient } from '../db/generated/client.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import type { Period } from './period.ts';
import { replayAccessLog } from './replay.ts';
import type { WhatIfReport } from './report.ts';

/**
 * Long enough for a large log (about 90 records a second on the project's machine: `npm run bench:whatif`);
 * the transaction only reads, though it holds one snapshot for that long.
 */
const READ_ONLY_TRANSACTION = { maxWait: 10_000, timeout: 4 * 60 * 60_000 };

/**
 * The dry run on a database this command opened itself: inside one READ ONLY transaction, so it cannot
 * change anything and sees one consistent state of the log and the facts.
 */
export function whatIfReadOnly(prisma: PrismaClient, candidate: PolicySet, label: string, period: Period): Promise<WhatIfReport> {
  return inReadOnlyTransaction(prisma, (tx) => replayAccessLog(tx, candidate, label, period));
}

/** Runs `work` in a transaction in which the database refuses every write. */
export function inReadOnlyTransaction<T>(prisma: PrismaClient, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('SET TRANSACTION READ ONLY');
    return work(tx);
  }, READ_ONLY_TRANSACTION);
}
