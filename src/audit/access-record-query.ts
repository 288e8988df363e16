import type { AuditRecord, Prisma, PrismaClient } from '../db/generated/client.ts';
import type { OfficerScope } from '../supervision/officer-scope.ts';
import { domainCoordinates, domainsOperatedBy } from '../domain/partner-domains.ts';

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

/**
 * The records an officer supervises (src/supervision/officer-scope.ts): all of them hub-wide; otherwise
 * those made by the organisation's own professionals, and those that released or withheld data the
 * organisation provides (a field of the partner domain it operates, src/domain/partner-domains.ts).
 */
export function supervisedRecords(scope: OfficerScope): Prisma.AuditRecordWhereInput {
  if (scope.kind === 'hub') return {};
  const provided = domainsOperatedBy(scope.organisationId).flatMap(domainCoordinates);
  if (provided.length === 0) return { organisationId: scope.organisationId };
  return {
    OR: [
      { organisationId: scope.organisationId },
      { fieldsReleased: { hasSome: [...provided] } },
      { fieldsWithheld: { hasSome: [...provided] } },
    ],
  };
}

/** One page of the access records in scope, newest first, with the total number in scope that match. */
export async function findAccessRecords(prisma: PrismaClient, scope: OfficerScope, filter: AccessRecordFilter, page: { limit: number; offset: number }): Promise<AccessRecordPage> {
  const matching: Prisma.AuditRecordWhereInput = {
    ...(filter.subjectKey !== undefined ? { subjectKey: filter.subjectKey } : {}),
    ...(filter.professional !== undefined ? { professional: filter.professional } : {}),
    ...(filter.organisationId !== undefined ? { organisationId: filter.organisationId } : {}),
    ...(filter.from || filter.to ? { endTime: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
  };
  // The filter and the scope side by side under AND: no filter can widen what the scope allows.
  const where: Prisma.AuditRecordWhereInput = { AND: [supervisedRecords(scope), matching] };
  const [totalCount, records] = await Promise.all([
    prisma.auditRecord.count({ where }),
    prisma.auditRecord.findMany({ where, orderBy: [{ endTime: 'desc' }, { id: 'asc' }], take: page.limit, skip: page.offset }),
  ]);
  return { totalCount, records };
}

/** Every access record of one person in scope, oldest first (for the subject access report). */
export async function allAccessRecordsOf(prisma: PrismaClient, scope: OfficerScope, subjectKey: string): Promise<AuditRecord[]> {
  return prisma.auditRecord.findMany({ where: { AND: [supervisedRecords(scope), { subjectKey }] }, orderBy: [{ endTime: 'asc' }, { id: 'asc' }] });
}
