import type { AuditRecord, PrismaClient } from '../db/generated/client.ts';

/** What the privacy officer can search the access log by; every criterion narrows the result. */
export interface AccessRecordFilter {
  /** The keyed hash of the person's BSN (src/crypto/subject-protection.ts): the log is searched without decrypting. */
  subjectKey?: string;
  professional?: string;
  organisationId?: string;
  /** Records that ended at or after this moment. */
  from?: Date;
  /** Records that ended before this moment. */
  to?: Date;
}

export interface AccessRecordPage {
  totalCount: number;
  records: AuditRecord[];
}

export const MAX_PAGE_SIZE = 200;

/** One page of access records, newest first, with the total number that match. */
export async function findAccessRecords(prisma: PrismaClient, filter: AccessRecordFilter, page: { limit: number; offset: number }): Promise<AccessRecordPage> {
  const where = {
    ...(filter.subjectKey !== undefined ? { subjectKey: filter.subjectKey } : {}),
    ...(filter.professional !== undefined ? { professional: filter.professional } : {}),
    ...(filter.organisationId !== undefined ? { organisationId: filter.organisationId } : {}),
    ...(filter.from || filter.to ? { endTime: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
  };
  const [totalCount, records] = await Promise.all([
    prisma.auditRecord.count({ where }),
    prisma.auditRecord.findMany({ where, orderBy: [{ endTime: 'desc' }, { id: 'asc' }], take: page.limit, skip: page.offset }),
  ]);
  return { totalCount, records };
}

/** Every access record of one person, oldest first (for the subject access report). */
export async function allAccessRecordsOf(prisma: PrismaClient, subjectKey: string): Promise<AuditRecord[]> {
  return prisma.auditRecord.findMany({ where: { subjectKey }, orderBy: [{ endTime: 'asc' }, { id: 'asc' }] });
}
