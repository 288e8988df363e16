import { v7 as timeOrderedUuid } from 'uuid';
import type { Caller } from '../auth/caller.ts';
import type { HouseholdLoaders, PersonRow } from '../households/household-loaders.ts';
import type { AccessLog } from './access-log.ts';
import type { AuditChain } from './audit-chain.ts';
import type { ForeignOperation, LdvRecord } from './record-hash.ts';
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

/** What one record says about one data subject, before the request's own fields are added. */
interface SubjectEntry {
  kind: string;
  subjectKey: string;
  subjectEncrypted: string;
  released: Map<string, string>;
  withheld: Set<string>;
  lookups: Set<string>;
  breakGlassGrantId?: string;
}

/**
 * One LDV record per data subject touched. Household-level fields (address, composition) and a household
 * found by a look-up count for every member. A look-up that found nobody is a record of its own, keyed on
 * the protected look-up key. The BSN appears only as its keyed look-up hash and its encrypted form.
 */
export async function buildLdvRecords(request: AuditedRequest): Promise<LdvRecord[]> {
  const entries = new Map<string, SubjectEntry>();
  const entryFor = (kind: string, subjectKey: string, subjectEncrypted: string): SubjectEntry => {
    let entry = entries.get(subjectKey);
    if (!entry) {
      entry = { kind, subjectKey, subjectEncrypted, released: new Map(), withheld: new Set(), lookups: new Set() };
      entries.set(subjectKey, entry);
    }
    return entry;
  };
  const subjects = request.accessLog.subjects();
  // Members come from the request's cache (the query loaded them); look up by id only who is not there,
  // so writing the log normally costs no read at all.
  const members = new Map<string, PersonRow>();
  for (const access of subjects) {
    if (access.subject.kind !== 'household') continue;
    for (const person of await request.households.membersOf.load(access.subject.id)) members.set(person.id, person);
  }
  for (const access of subjects) {
    const touched = access.subject.kind === 'person'
      ? [members.get(access.subject.id) ?? (await request.households.person.load(access.subject.id))]
      : await request.households.membersOf.load(access.subject.id);
    for (const person of touched) {
      if (!person) continue;
      const entry = entryFor('PERSON', person.bsnHash, person.bsnEncrypted);
      for (const [coordinate, basis] of access.released) entry.released.set(coordinate, basis);
      for (const coordinate of access.withheld.keys()) entry.withheld.add(coordinate);
      for (const lookup of access.lookups) entry.lookups.add(lookup);
      if (access.breakGlassGrantId) entry.breakGlassGrantId ??= access.breakGlassGrantId;
    }
  }
  for (const access of request.accessLog.keyedSubjects()) {
    const entry = entryFor(access.key.kind, access.key.subjectKey, access.key.subjectEncrypted);
    for (const [coordinate, basis] of access.released) entry.released.set(coordinate, basis);
    for (const lookup of access.lookups) entry.lookups.add(lookup);
  }
  const { caller } = request;
  return [...entries.values()].map(({ kind, subjectKey, subjectEncrypted, released, withheld, lookups, breakGlassGrantId }) => {
    const fieldsReleased = [...released.keys()].sort();
    return {
      // UUID v7 (time first): the primary-key index grows at its end instead of at a random page per record.
      id: timeOrderedUuid(),
      traceId: request.traceId,
      spanId: request.spanId,
      parentSpanId: request.foreignOperation?.span_id ?? null,
      statusCode: request.statusCode,
      name: request.name,
      startTime: request.startTime,
      endTime: request.endTime,
      foreignOperation: request.foreignOperation,
      resource: { ...GATEWAY_RESOURCE },
      processingActivityId: request.processingActivityId ?? null,
      professional: caller.subject,
      organisationId: caller.organisationId,
      roles: [...caller.roles],
      purpose: caller.purpose,
      subjectKind: kind,
      subjectKey,
      subjectEncrypted,
      lookups: [...lookups].sort(),
      fieldsReleased,
      fieldsWithheld: [...withheld].sort(),
      fieldBases: Object.fromEntries(fieldsReleased.map((coordinate) => [coordinate, released.get(coordinate)!])),
      breakGlassGrantId: breakGlassGrantId ?? null,
    };
  });
}

/**
 * Writes the request's records on the writer's chain, in one INSERT shared with the requests that end
 * at the same time (group commit, src/audit/audit-chain.ts); resolves once that INSERT has committed.
 * Throws when the write fails: the caller must then withhold the response (fail closed).
 */
export async function writeAuditRecords(chain: AuditChain, request: AuditedRequest): Promise<number> {
  const records = await buildLdvRecords(request);
  await chain.append(records);
  return records.length;
}
