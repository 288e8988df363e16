import { hash } from 'node:crypto';
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

/** A record's canonical JSON without its chain link, cut where `chainId` and `prevHash` go in. */
export interface CanonicalRecord {
  readonly beforeChainId: string;
  readonly betweenLinks: string;
  readonly afterPrevHash: string;
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
  return sha256(linkedCanonicalJson(canonicalRecord(record), record));
}

/** The canonical JSON of a record once its place in a chain is known: the exact bytes its hash covers. */
export function linkedCanonicalJson(record: CanonicalRecord, link: Omit<ChainLink, 'chainSeq'>): string {
  return record.beforeChainId + jsonValue(link.chainId) + record.betweenLinks + jsonValue(link.prevHash) + record.afterPrevHash;
}

/** The fields the hash covers, each as its canonical JSON value (undefined: the key is left out). */
const COVERED: readonly (readonly [string, (record: LdvRecord) => unknown])[] = [
  ['id', (r) => r.id],
  ['traceId', (r) => r.traceId],
  ['spanId', (r) => r.spanId],
  ['parentSpanId', (r) => r.parentSpanId],
  ['statusCode', (r) => r.statusCode],
  ['name', (r) => r.name],
  ['startTime', (r) => r.startTime.toISOString()],
  ['endTime', (r) => r.endTime.toISOString()],
  ['foreignOperation', (r) => r.foreignOperation],
  ['resource', (r) => r.resource],
  ['processingActivityId', (r) => r.processingActivityId],
  ['professional', (r) => r.professional],
  ['organisationId', (r) => r.organisationId],
  ['roles', (r) => r.roles],
  ['purpose', (r) => r.purpose],
  ['subjectKey', (r) => r.subjectKey],
  ['subjectEncrypted', (r) => r.subjectEncrypted],
  ['subjectKind', (r) => (r.subjectKind && r.subjectKind !== 'PERSON' ? r.subjectKind : undefined)],
  ['lookups', (r) => (r.lookups && r.lookups.length > 0 ? r.lookups : undefined)],
  ['fieldsReleased', (r) => r.fieldsReleased],
  ['fieldsWithheld', (r) => r.fieldsWithheld],
  ['fieldBases', (r) => r.fieldBases],
  ['breakGlassGrantId', (r) => r.breakGlassGrantId || undefined],
];

/** The covered fields and the two link fields in canonical (UTF-16 code unit) key order, with their JSON keys. */
const CANONICAL_ORDER = [...COVERED, ['chainId', null] as const, ['prevHash', null] as const]
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([key, value]) => ({ key: JSON.stringify(key), value }));

/**
 * Serialises a record's fixed shape by hand into the exact bytes `canonicalize` produces (proven on
 * generated records in test/audit/record-hash.test.ts); the library walks, copies and sorts a generic
 * object, which made it most of a record's hashing time (bench/record-hash.ts). Any value that is not
 * of the expected shape (a tampered row read back by the verifier, say) goes to the library itself.
 */
export function canonicalRecord(record: LdvRecord): CanonicalRecord {
  const cut: string[] = [];
  let text = '{';
  let separator = '';
  for (const { key, value } of CANONICAL_ORDER) {
    if (value === null) {
      // A link field (chainId, prevHash): its value is filled in by linkedCanonicalJson.
      cut.push(`${text}${separator}${key}:`);
      text = '';
      separator = ',';
      continue;
    }
    const fieldValue = value(record);
    if (fieldValue === undefined) continue;
    text += `${separator}${key}:${jsonValue(fieldValue)}`;
    separator = ',';
  }
  return { beforeChainId: cut[0], betweenLinks: cut[1], afterPrevHash: `${text}}` };
}

/** Strings JSON.stringify would escape, and surrogates (canonicalize refuses lone ones): left to the library. */
const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/;

function jsonString(text: string): string {
  return NEEDS_CARE.test(text) ? canonicalize(text)! : `"${text}"`;
}

function jsonValue(value: unknown): string {
  if (typeof value === 'string') return jsonString(value);
  if (value === null) return 'null';
  if (isStringArray(value)) {
    if (value.length === 0) return '[]';
    // One test for the whole array (a surrogate half is found joined or not): most need no escaping.
    return NEEDS_CARE.test(value.join('')) ? `[${value.map(jsonString).join(',')}]` : `["${value.join('","')}"]`;
  }
  if (isStringMap(value)) {
    const keys = Object.keys(value).sort();
    let raw = '';
    for (const key of keys) raw += key + value[key];
    if (!NEEDS_CARE.test(raw)) return `{${keys.map((key) => `"${key}":"${value[key]}"`).join(',')}}`;
    return `{${keys.map((key) => `${jsonString(key)}:${jsonString(value[key])}`).join(',')}}`;
  }
  return canonicalize(value)!;
}

/** An array of strings without holes (a hole is `null` in canonical JSON: left to the library). */
function isStringArray(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) if (typeof value[index] !== 'string') return false;
  return true;
}

/** A plain object whose every value is a string (resource, fieldBases, foreignOperation). */
function isStringMap(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  return true;
}

/** One-shot SHA-256 (hex) of the text's UTF-8 bytes: no Hash object per record. */
export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}
