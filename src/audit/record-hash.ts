import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The LDV record as the access log stores it (one row of audit_record), before it joins the chain. */
export interface LdvRecord {
  id: string;
  traceId: string;
  spanId: string | null;
  parentSpanId: string | null;
  statusCode: string;
  name: string;
  startTime: Date;
  endTime: Date;
  foreignOperation: ForeignOperation | null;
  resource: Record<string, string>;
  processingActivityId: string | null;
  professional: string;
  organisationId: string;
  roles: string[];
  purpose: string;
  /** What the subject key identifies: a person of the registration, or a look-up key that found nobody. */
  subjectKind: string;
  subjectKey: string;
  subjectEncrypted: string;
  /** The look-up fields that led to this subject in this request, sorted. */
  lookups: string[];
  fieldsReleased: string[];
  fieldsWithheld: string[];
  fieldBases: Record<string, string> | null;
  /** The break-the-glass grant the access was made under (src/break-glass), or null. */
  breakGlassGrantId?: string | null;
}

/** The calling party's operation, from an incoming W3C traceparent (LDV `foreign_operation`). */
export type ForeignOperation = {
  trace_id: string;
  span_id: string;
  entity: string;
};

export interface ChainLink {
  chainId: string;
  chainSeq: number;
  prevHash: string;
}

/** Where every chain starts: the hash "before" its first record. */
export function genesisHash(chainId: string): string {
  return sha256(`ontschot audit chain genesis ${chainId}`);
}

/**
 * The record's hash: SHA-256 over its RFC 8785 canonical JSON (stable key order, one number and date
 * form), including the previous record's hash. The sequence number is left out on purpose: order is
 * proven by the prev-hash links, so a changed sequence shows up as a reordering, not as an alteration.
 * The database's own write time (occurred_at) is informative only and not covered. `subjectKind`,
 * `lookups` and `breakGlassGrantId` are covered when they differ from their defaults (PERSON, none, none), so that records written
 * before they existed keep their hashes, while changing them on a newer record still breaks its hash.
 */
export function hashRecord(record: LdvRecord & Omit<ChainLink, 'chainSeq'>): string {
  const canonical = canonicalize({
    id: record.id,
    traceId: record.traceId,
    spanId: record.spanId,
    parentSpanId: record.parentSpanId,
    statusCode: record.statusCode,
    name: record.name,
    startTime: record.startTime.toISOString(),
    endTime: record.endTime.toISOString(),
    foreignOperation: record.foreignOperation,
    resource: record.resource,
    processingActivityId: record.processingActivityId,
    professional: record.professional,
    organisationId: record.organisationId,
    roles: record.roles,
    purpose: record.purpose,
    subjectKey: record.subjectKey,
    subjectEncrypted: record.subjectEncrypted,
    ...(record.subjectKind && record.subjectKind !== 'PERSON' ? { subjectKind: record.subjectKind } : {}),
    ...(record.lookups && record.lookups.length > 0 ? { lookups: record.lookups } : {}),
    fieldsReleased: record.fieldsReleased,
    fieldsWithheld: record.fieldsWithheld,
    fieldBases: record.fieldBases,
    ...(record.breakGlassGrantId ? { breakGlassGrantId: record.breakGlassGrantId } : {}),
    chainId: record.chainId,
    prevHash: record.prevHash,
  });
  return sha256(canonical!);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
