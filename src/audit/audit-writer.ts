import type { Caller } from '../auth/caller.ts';
import type { HouseholdLoaders, PersonRow } from '../households/household-loaders.ts';
import type { AccessLog, DecisionPath } from './access-log.ts';
import type { AuditChain, RequestRecords } from './audit-chain.ts';
import { recordId } from './record-id.ts';
import { keepDecisionSet, keepJson, type DecisionSet, type ForeignOperation, type LdvRecord } from './record-hash.ts';
import { GATEWAY_RESOURCE } from './service-resource.ts';

/** One request as the access log sees it: who, in which trace and span, when, and what was decided. */
export interface AuditedRequest {
  caller: Caller;
  traceId: string;
  spanId: string;
  /** The caller's span and organisation from an incoming traceparent, if any. */
  foreignOperation: ForeignOperation | null;
  processingActivityId?: string;
  /** The operation name, or the operation type for an anonymous operation. */
  name: string;
  statusCode: 'OK' | 'ERROR';
  startTime: Date;
  endTime: Date;
  accessLog: AccessLog;
  households: HouseholdLoaders;
}

/** One record's subject in the making: who, and what touched them in this request. */
interface SubjectEntry {
  kind: string;
  subjectKey: string;
  subjectEncrypted: string;
  /** The decisions about them, joined in the order the request met the subjects that carry them. */
  decisions: DecisionPath;
  /** The look-up sets that led to them: usually one (a household's), whose sorted form is shared. */
  lookups: Set<string>[];
  /** A keyed access (officer's read, missed look-up): released coordinates and bases beyond the decisions. */
  keyedReleased?: Map<string, string>;
  breakGlassGrantId?: string;
}

const NO_LOOKUPS: readonly string[] = keepJson([]);

/**
 * One LDV record per data subject touched. Household-level fields (address, composition) and a household
 * found by a look-up count for every member. A look-up that found nobody is a record of its own, keyed on
 * the protected look-up key. The BSN appears only as its keyed look-up hash and its encrypted form.
 * The fields all records share are given once (`request`); people about whom the same decisions were made
 * share one DecisionSet.
 */
export async function buildRequestRecords(request: AuditedRequest): Promise<RequestRecords> {
  const entries = new Map<string, SubjectEntry>();
  const entryFor = (kind: string, subjectKey: string, subjectEncrypted: string, decisions: DecisionPath): SubjectEntry => {
    let entry = entries.get(subjectKey);
    if (!entry) {
      entry = { kind, subjectKey, subjectEncrypted, decisions, lookups: [] };
      entries.set(subjectKey, entry);
    }
    return entry;
  };
  const subjects = request.accessLog.subjects();
  // Members come from the request's cache (the query loaded them); look up by id only who is not there,
  // so writing the log normally costs no read at all.
  const householdIds = subjects.flatMap((access) => (access.subject.kind === 'household' ? [access.subject.id] : []));
  // Loaded once each, together (a load that fails fails the write: no response without its records).
  const loaded = await Promise.all(householdIds.map((id) => request.households.membersOf.load(id)));
  const membersOf = new Map(householdIds.map((id, index) => [id, loaded[index]]));
  const members = new Map<string, PersonRow>();
  for (const household of membersOf.values()) for (const person of household) members.set(person.id, person);
  for (const access of subjects) {
    const touched = access.subject.kind === 'person'
      ? [members.get(access.subject.id) ?? (await request.households.person.load(access.subject.id))]
      : membersOf.get(access.subject.id)!;
    for (const person of touched) {
      if (!person) continue;
      let entry = entries.get(person.bsnHash);
      if (!entry) entry = entryFor('PERSON', person.bsnHash, person.bsnEncrypted, access.decisions);
      else entry.decisions = entry.decisions.join(access.decisions);
      if (access.lookups.size > 0) entry.lookups.push(access.lookups);
      if (access.breakGlassGrantId) entry.breakGlassGrantId ??= access.breakGlassGrantId;
    }
  }
  for (const access of request.accessLog.keyedSubjects()) {
    const entry = entryFor(access.key.kind, access.key.subjectKey, access.key.subjectEncrypted, request.accessLog.noDecisions);
    if (access.released.size > 0) {
      entry.keyedReleased ??= new Map();
      for (const [coordinate, basis] of access.released) entry.keyedReleased.set(coordinate, basis);
    }
    if (access.lookups.size > 0) entry.lookups.push(access.lookups);
  }
  const { caller } = request;
  return {
    request: {
      traceId: request.traceId,
      spanId: request.spanId,
      parentSpanId: request.foreignOperation?.span_id ?? null,
      statusCode: request.statusCode,
      name: request.name,
      startTime: request.startTime,
      endTime: request.endTime,
      foreignOperation: request.foreignOperation,
      resource: GATEWAY_RESOURCE,
      processingActivityId: request.processingActivityId ?? null,
      professional: caller.subject,
      organisationId: caller.organisationId,
      roles: [...caller.roles],
      purpose: caller.purpose,
    },
    subjects: Array.from(entries.values(), (entry) => {
      const decisions = entry.keyedReleased ? decisionSet(entry.decisions, entry.keyedReleased) : ((entry.decisions.memo as DecisionSet | undefined) ??= decisionSet(entry.decisions));
      return {
        // UUID v7 (time first): the primary-key index grows at its end instead of at a random page per record.
        id: recordId(),
        subjectKind: entry.kind,
        subjectKey: entry.subjectKey,
        subjectEncrypted: entry.subjectEncrypted,
        lookups: lookupsOf(entry.lookups),
        fieldsReleased: decisions.fieldsReleased,
        fieldsWithheld: decisions.fieldsWithheld,
        fieldBases: decisions.fieldBases,
        breakGlassGrantId: entry.breakGlassGrantId ?? null,
      };
    }),
  };
}

/** The records as complete LDV records (each with the request's fields): for a change's own transaction and for tests. */
export async function buildLdvRecords(request: AuditedRequest): Promise<LdvRecord[]> {
  const { request: shared, subjects } = await buildRequestRecords(request);
  return subjects.map((subject) => ({ ...shared, ...subject }));
}

/**
 * What the decisions come to: each released field with the basis it was released on (legal basis name
 * or `consent:<id>`; a later decision about the same field counts), each withheld field; then what a keyed
 * access released. Sorted and frozen (keepDecisionSet).
 */
function decisionSet(path: DecisionPath, keyedReleased?: ReadonlyMap<string, string>): DecisionSet {
  const released = new Map<string, string>();
  const withheld = new Set<string>();
  for (const decision of path.decisions()) {
    if (decision.allowed) released.set(decision.coordinate, decision.consentId ? `consent:${decision.consentId}` : decision.basis);
    else withheld.add(decision.coordinate);
  }
  if (keyedReleased) for (const [coordinate, basis] of keyedReleased) released.set(coordinate, basis);
  return keepDecisionSet(released, withheld);
}

/** The look-ups that led to a subject, sorted; one look-up set's sorted form is made once and shared. */
function lookupsOf(sets: readonly Set<string>[]): readonly string[] {
  if (sets.length === 0) return NO_LOOKUPS;
  if (sets.length === 1) {
    let sorted = sortedLookups.get(sets[0]);
    if (!sorted) {
      sorted = keepJson([...sets[0]].sort());
      sortedLookups.set(sets[0], sorted);
    }
    return sorted;
  }
  return [...new Set(sets.flatMap((set) => [...set]))].sort();
}

const sortedLookups = new WeakMap<Set<string>, readonly string[]>();

/**
 * Writes the request's records on the writer's chain, in one INSERT shared with the requests that end
 * at the same time (group commit, src/audit/audit-chain.ts); resolves once that INSERT has committed.
 * Throws when the write fails: the caller must then withhold the response (fail closed).
 */
export async function writeAuditRecords(chain: AuditChain, request: AuditedRequest): Promise<number> {
  const records = await buildRequestRecords(request);
  await chain.append(records);
  return records.subjects.length;
}
