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
  resource: Readonly<Record<string, string>>;
  processingActivityId: string | null;
  professional: string;
  organisationId: string;
  roles: readonly string[];
  purpose: string;
  /** What the subject key identifies: a person of the registration, or a look-up key that found nobody. */
  subjectKind: string;
  subjectKey: string;
  subjectEncrypted: string;
  /** The look-up fields that led to this subject in this request, sorted. */
  lookups: readonly string[];
  fieldsReleased: readonly string[];
  fieldsWithheld: readonly string[];
  fieldBases: Readonly<Record<string, string>> | null;
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
  /**
   * For the INSERT (src/audit/audit-insert.ts): the JSON members (`"key":value,...`) of the subject's
   * fields apart from what was decided, and of what was decided (fieldBases, fieldsReleased,
   * fieldsWithheld; people with the same decisions share them).
   */
  readonly subjectMembers: string;
  readonly decisionMembers: string;
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

/** The fields every record of one request has in common: serialised once per request, not per record. */
export type RequestFields = Pick<LdvRecord, RequestFieldName>;
type RequestFieldName = 'traceId' | 'spanId' | 'parentSpanId' | 'statusCode' | 'name' | 'startTime' | 'endTime' | 'foreignOperation' | 'resource'
  | 'processingActivityId' | 'professional' | 'organisationId' | 'roles' | 'purpose';
/** What one record says about its data subject. */
export type SubjectFields = Omit<LdvRecord, RequestFieldName>;

/**
 * The fields the hash covers, each as its canonical JSON value (undefined: the key is left out), and
 * whether it is the same for every record of a request or belongs to the record's subject.
 */
type Covered =
  | { key: string; scope: 'request'; value: (record: RequestFields) => unknown }
  | { key: string; scope: 'subject' | 'decision'; value: (record: SubjectFields) => unknown };
const ofRequest = (key: string, value: (record: RequestFields) => unknown): Covered => ({ key, scope: 'request', value });
const ofSubject = (key: string, value: (record: SubjectFields) => unknown): Covered => ({ key, scope: 'subject', value });
/** A subject field that says what was decided about the subject. */
const ofDecision = (key: string, value: (record: SubjectFields) => unknown): Covered => ({ key, scope: 'decision', value });
const COVERED: readonly Covered[] = [
  ofSubject('id', (r) => r.id),
  ofRequest('traceId', (r) => r.traceId),
  ofRequest('spanId', (r) => r.spanId),
  ofRequest('parentSpanId', (r) => r.parentSpanId),
  ofRequest('statusCode', (r) => r.statusCode),
  ofRequest('name', (r) => r.name),
  ofRequest('startTime', (r) => r.startTime.toISOString()),
  ofRequest('endTime', (r) => r.endTime.toISOString()),
  ofRequest('foreignOperation', (r) => r.foreignOperation),
  ofRequest('resource', (r) => r.resource),
  ofRequest('processingActivityId', (r) => r.processingActivityId),
  ofRequest('professional', (r) => r.professional),
  ofRequest('organisationId', (r) => r.organisationId),
  ofRequest('roles', (r) => r.roles),
  ofRequest('purpose', (r) => r.purpose),
  ofSubject('subjectKey', (r) => r.subjectKey),
  ofSubject('subjectEncrypted', (r) => r.subjectEncrypted),
  ofSubject('subjectKind', (r) => (r.subjectKind && r.subjectKind !== 'PERSON' ? r.subjectKind : undefined)),
  ofSubject('lookups', (r) => (r.lookups && r.lookups.length > 0 ? r.lookups : undefined)),
  ofDecision('fieldsReleased', (r) => r.fieldsReleased),
  ofDecision('fieldsWithheld', (r) => r.fieldsWithheld),
  ofDecision('fieldBases', (r) => r.fieldBases),
  ofSubject('breakGlassGrantId', (r) => r.breakGlassGrantId || undefined),
];

/** The covered fields and the two link fields in canonical (UTF-16 code unit) key order, with their JSON keys. */
const CANONICAL_ORDER: readonly (Covered | { key: string; scope: 'link' })[] = [...COVERED, { key: 'chainId', scope: 'link' as const }, { key: 'prevHash', scope: 'link' as const }]
  .sort(({ key: a }, { key: b }) => (a < b ? -1 : a > b ? 1 : 0))
  .map((field) => ({ ...field, key: JSON.stringify(field.key) }));

/**
 * A record's canonical JSON in the making, per request: the request's fields already serialised (the
 * runs of them between subject fields as one text each), the subject's fields and the links left open.
 */
type TemplatePart =
  | { readonly kind: 'request'; readonly text: string }
  | { readonly kind: 'subject' | 'decision'; readonly key: string; readonly value: (record: SubjectFields) => unknown }
  | { readonly kind: 'link'; readonly key: string };

/** The parts of every template that are not the request's: made once. */
const SUBJECT_PARTS = new Map<(typeof CANONICAL_ORDER)[number], TemplatePart>(
  CANONICAL_ORDER.flatMap((field) => (field.scope === 'request' ? [] : [[field, field.scope === 'link' ? { kind: 'link', key: field.key } : { kind: field.scope, key: field.key, value: field.value }] as const])),
);

/** The canonical form of a request's records, with the fields they share serialised once. */
export interface RequestTemplate {
  readonly parts: readonly TemplatePart[];
  /** The request's fields as one JSON object (the INSERT takes them once per request, src/audit/audit-insert.ts). */
  readonly requestJson: string;
}

/** Serialises the request's fields once: the part of each of its records' canonical JSON they share. */
export function requestTemplate(request: RequestFields): RequestTemplate {
  const parts: TemplatePart[] = [];
  let members = '';
  let run = '';
  for (const field of CANONICAL_ORDER) {
    if (field.scope === 'request') {
      const fieldValue = field.value(request);
      if (fieldValue === undefined) continue;
      const member = `${field.key}:${jsonValue(fieldValue)}`;
      run = run ? `${run},${member}` : member;
      members = members ? `${members},${member}` : member;
      continue;
    }
    if (run) parts.push({ kind: 'request', text: run });
    run = '';
    parts.push(SUBJECT_PARTS.get(field)!);
  }
  if (run) parts.push({ kind: 'request', text: run });
  return { parts, requestJson: `{${members}}` };
}

/**
 * Serialises a record's fixed shape by hand into the exact bytes `canonicalize` produces (proven on
 * generated records in test/audit/record-hash.test.ts); the library walks, copies and sorts a generic
 * object, which made it most of a record's hashing time (bench/record-hash.ts). Any value that is not
 * of the expected shape (a tampered row read back by the verifier, say) goes to the library itself.
 */
export function canonicalRecord(record: LdvRecord): CanonicalRecord {
  return canonicalSubject(requestTemplate(record), record);
}

/** A record's canonical JSON from its request's template and its own subject fields. */
export function canonicalSubject(template: RequestTemplate, subject: SubjectFields): CanonicalRecord {
  const cut: string[] = [];
  let text = '{';
  let separator = '';
  let subjectMembers = '';
  let decisionMembers = '';
  for (const part of template.parts) {
    if (part.kind === 'request') {
      text += separator + part.text;
    } else if (part.kind === 'link') {
      // A link field (chainId, prevHash): its value is filled in by linkedCanonicalJson.
      cut.push(`${text}${separator}${part.key}:`);
      text = '';
    } else {
      const fieldValue = part.value(subject);
      if (fieldValue === undefined) continue;
      const member = `${part.key}:${jsonValue(fieldValue)}`;
      text += separator + member;
      if (part.kind === 'subject') subjectMembers = subjectMembers ? `${subjectMembers},${member}` : member;
      else decisionMembers = decisionMembers ? `${decisionMembers},${member}` : member;
    }
    separator = ',';
  }
  return { beforeChainId: cut[0], betweenLinks: cut[1], afterPrevHash: `${text}}`, subjectMembers, decisionMembers };
}

/** Strings JSON.stringify would escape, and surrogates (canonicalize refuses lone ones): left to the library. */
const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/;

function jsonString(text: string): string {
  return NEEDS_CARE.test(text) ? canonicalize(text)! : `"${text}"`;
}

/** Where a value handed to `keepJson` carries its canonical JSON (a symbol no other module can reach). */
const KEPT_JSON = Symbol('canonical JSON');

/**
 * Freezes a value its maker has just built from plain data (an array of strings, an object of string
 * properties, no accessors), with its canonical JSON worked out now and carried along: a request's
 * records share their decision sets and look-ups (src/audit/audit-writer.ts), each then serialised once.
 * Frozen, it cannot change after its JSON was taken.
 */
export function keepJson<T extends object>(value: T): Readonly<T> {
  return kept(value, jsonOf(value));
}

function kept<T extends object>(value: T, json: string): Readonly<T> {
  Object.defineProperty(value, KEPT_JSON, { value: json });
  return Object.freeze(value);
}

/** What a record says was decided: the released fields, the withheld fields, and each released field's basis. */
export interface DecisionSet {
  fieldsReleased: readonly string[];
  fieldsWithheld: readonly string[];
  fieldBases: Readonly<Record<string, string>>;
}

/**
 * A decision set (released fields with their bases, withheld fields), sorted and frozen with the canonical
 * JSON of each of its three values kept (as keepJson), that JSON put together from the JSON of each field
 * and basis, which is kept per distinct text: the same fields and bases come back in every request, so
 * they are checked for characters to escape once, not in every decision set of every request.
 */
export function keepDecisionSet(released: ReadonlyMap<string, string>, withheld: Iterable<string>): DecisionSet {
  const fieldsReleased = [...released.keys()].sort();
  const fieldsWithheld = [...withheld].sort();
  const fieldBases: Record<string, string> = {};
  let releasedJson = '';
  let basesJson = '';
  for (const coordinate of fieldsReleased) {
    // An own property "__proto__" cannot be made by assignment: left to the generic path.
    if (coordinate === '__proto__') return { fieldsReleased: keepJson(fieldsReleased), fieldsWithheld: keepJson(fieldsWithheld), fieldBases: keepJson(Object.fromEntries(fieldsReleased.map((field) => [field, released.get(field)!]))) };
    const basis = released.get(coordinate)!;
    fieldBases[coordinate] = basis;
    const key = rememberedJsonString(coordinate);
    const member = `${key}:${rememberedJsonString(basis)}`;
    releasedJson = releasedJson ? `${releasedJson},${key}` : key;
    basesJson = basesJson ? `${basesJson},${member}` : member;
  }
  let withheldJson = '';
  for (const coordinate of fieldsWithheld) withheldJson = withheldJson ? `${withheldJson},${rememberedJsonString(coordinate)}` : rememberedJsonString(coordinate);
  return { fieldsReleased: kept(fieldsReleased, `[${releasedJson}]`), fieldsWithheld: kept(fieldsWithheld, `[${withheldJson}]`), fieldBases: kept(fieldBases, `{${basesJson}}`) };
}

/** The JSON of field names and bases seen lately; emptied when full, so it cannot grow without bound. */
const JSON_OF_TEXT = new Map<string, string>();
const MAX_REMEMBERED_TEXTS = 10_000;

function rememberedJsonString(text: string): string {
  let json = JSON_OF_TEXT.get(text);
  if (json === undefined) {
    json = jsonString(text);
    if (JSON_OF_TEXT.size >= MAX_REMEMBERED_TEXTS) JSON_OF_TEXT.clear();
    JSON_OF_TEXT.set(text, json);
  }
  return json;
}

function jsonValue(value: unknown): string {
  if (typeof value === 'string') return jsonString(value);
  if (value === null) return 'null';
  if (typeof value === 'object' && Object.isFrozen(value)) {
    const kept = (value as { [KEPT_JSON]?: string })[KEPT_JSON];
    if (kept !== undefined) return kept;
  }
  return jsonOf(value);
}

function jsonOf(value: unknown): string {
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
