import type { PrismaClient } from '../db/generated/client.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import type { OfficerScope } from '../supervision/officer-scope.ts';
import { loadOfficerContacts, officerContactFor, type OfficerContacts } from '../supervision/officer-contact.ts';
import { DEFAULT_AUDIT_RETENTION_DAYS } from '../config/env.ts';
import { allAccessRecordsOf } from './access-record-query.ts';
import { adaptersInScope, askPartnersForProcessing, type PartnerLogSources, type ProcessingLogAsker } from './partner-processing.ts';
import { reportPeriod } from './report-period.ts';
import { buildSubjectAccessReport, type SubjectAccessReport } from './subject-access-report.ts';

/** What the hub knows beyond its database to make a report: the adapters, the officers' contacts, the retention. */
export interface ReportSources {
  /** Absent: the partners are not asked (and the report says nothing of them). */
  partnerLogs?: PartnerLogSources;
  officerContacts: OfficerContacts;
  retentionDays: number;
}

export const DEFAULT_REPORT_SOURCES: ReportSources = { officerContacts: loadOfficerContacts({}), retentionDays: DEFAULT_AUDIT_RETENTION_DAYS };

/**
 * One person's subject access report, as the officer of `scope` may see it: the hub's access records in
 * scope, the partners' processing in the same traces (asked of the adapters in scope), the period covered
 * and whom to contact. Used by GraphQL `subjectAccessReport` and by `npm run audit:report` alike.
 */
export async function assembleSubjectAccessReport(
  prisma: PrismaClient,
  policies: PolicySet,
  scope: OfficerScope,
  subject: { bsn: string; subjectKey: string },
  sources: ReportSources,
  asker: ProcessingLogAsker,
): Promise<SubjectAccessReport> {
  const [records, period] = await Promise.all([allAccessRecordsOf(prisma, scope, subject.subjectKey), reportPeriod(prisma, sources.retentionDays)]);
  const traceIds = [...new Set(records.map((record) => record.traceId))];
  const partners = sources.partnerLogs ? await askPartnersForProcessing(sources.partnerLogs, adaptersInScope(scope), asker, subject.bsn, traceIds) : undefined;
  return buildSubjectAccessReport(records, policies, scope, { period, officerContact: officerContactFor(sources.officerContacts, scope), partners });
}
