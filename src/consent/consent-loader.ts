import DataLoader from 'dataloader';
import type { PrismaClient } from '../db/generated/client.ts';
import type { ConsentRecord } from './consent-record.ts';

/**
 * Consent records per data subject (keyed by the subject's look-up key), read once per request for all
 * people in it: one database round trip. A new loader per request means a withdrawal made a moment ago
 * is seen by the very next request.
 */
export function createConsentLoader(prisma: PrismaClient): DataLoader<string, ConsentRecord[]> {
  return new DataLoader(async (subjectKeys) => {
    const rows = await prisma.consent.findMany({ where: { subjectKey: { in: [...subjectKeys] } } });
    return subjectKeys.map((key) => rows.filter((row) => row.subjectKey === key));
  });
}
