import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { ChainLink, LdvRecord } from '../../src/audit/record-hash.ts';

/**
 * A record's hash as the hub made it before the hand-written serialiser of src/audit/record-hash.ts:
 * the library over the record's object. The reference that serialiser is proven against
 * (test/audit/record-hash.test.ts) and measured against (bench/record-hash.ts).
 */
export function libraryHash(record: LdvRecord & Omit<ChainLink, 'chainSeq'>): string {
  const canonical = canonicalize({
    id: record.id, traceId: record.traceId, spanId: record.spanId, parentSpanId: record.parentSpanId, statusCode: record.statusCode, name: record.name,
    startTime: record.startTime.toISOString(), endTime: record.endTime.toISOString(), foreignOperation: record.foreignOperation, resource: record.resource,
    processingActivityId: record.processingActivityId, professional: record.professional, organisationId: record.organisationId, roles: record.roles,
    purpose: record.purpose, subjectKey: record.subjectKey, subjectEncrypted: record.subjectEncrypted,
    ...(record.subjectKind && record.subjectKind !== 'PERSON' ? { subjectKind: record.subjectKind } : {}),
    ...(record.lookups && record.lookups.length > 0 ? { lookups: record.lookups } : {}),
    fieldsReleased: record.fieldsReleased, fieldsWithheld: record.fieldsWithheld, fieldBases: record.fieldBases,
    ...(record.breakGlassGrantId ? { breakGlassGrantId: record.breakGlassGrantId } : {}),
    chainId: record.chainId, prevHash: record.prevHash,
  });
  return createHash('sha256').update(canonical!, 'utf8').digest('hex');
}
