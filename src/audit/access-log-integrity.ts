import type { JWK } from 'jose';
import type { PrismaClient } from '../db/generated/client.ts';
import { verifyAuditChain, type VerifiedHead } from './chain-verifier.ts';

/** Query.accessLogIntegrity: the chain verifier's result, as the console's chain page shows it. No personal data. */
export interface AccessLogIntegrity {
  intact: boolean;
  checkedAt: string;
  checkedRecords: number;
  chains: number | null;
  sealedChains: number | null;
  unchainedRecords: number | null;
  heads: VerifiedHead[];
  problem: { kind: string; recordId: string | null; message: string } | null;
}

/** Verifies the access log as `npm run audit:verify` does, with the seals kept in the database. */
export async function checkAccessLogIntegrity(prisma: PrismaClient, hubJwks: { keys: JWK[] }, now: () => Date = () => new Date()): Promise<AccessLogIntegrity> {
  const result = await verifyAuditChain(prisma, hubJwks);
  const checkedAt = now().toISOString();
  if (!result.intact) {
    return { intact: false, checkedAt, checkedRecords: result.checked, chains: null, sealedChains: null, unchainedRecords: null, heads: [], problem: { kind: result.kind, recordId: result.recordId, message: result.message } };
  }
  return { intact: true, checkedAt, checkedRecords: result.checked, chains: result.chains, sealedChains: result.sealed, unchainedRecords: result.unchained, heads: result.heads, problem: null };
}
