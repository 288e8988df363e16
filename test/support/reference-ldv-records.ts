import type { Subject, ProtectedSubject } from '../../src/audit/access-log.ts';
import type { PersonRow } from '../../src/households/household-loaders.ts';
import type { Decision } from '../../src/policy/decide.ts';

/** One call on a request's AccessLog, as the gateway makes them. */
export type AccessCall =
  | { call: 'record'; subject: Subject; decision: Decision }
  | { call: 'recordLookup'; subject: Subject; lookup: string; breakGlassGrantId?: string }
  | { call: 'recordKeyed'; key: ProtectedSubject; lookup: string; released?: { coordinate: string; basis: string } };

/** What a record says about its subject: everything but the request's fields and the record's id. */
export interface SubjectRecord {
  subjectKind: string;
  subjectKey: string;
  subjectEncrypted: string;
  lookups: string[];
  fieldsReleased: string[];
  fieldsWithheld: string[];
  fieldBases: Record<string, string>;
  breakGlassGrantId: string | null;
}

/**
 * The subjects' records as the access log made them before decision sets were shared between people:
 * per subject a map of released fields and a set of withheld ones, copied into every person the subject
 * touches, in the order the subjects were met. The reference the shared form is proven against
 * (test/audit/access-log.test.ts).
 */
export function referenceSubjectRecords(calls: readonly AccessCall[], membersOf: ReadonlyMap<string, readonly PersonRow[]>, people: ReadonlyMap<string, PersonRow>): SubjectRecord[] {
  type Access = { subject: Subject; released: Map<string, string>; withheld: Map<string, string>; lookups: Set<string>; breakGlassGrantId?: string };
  const accesses = new Map<string, Access>();
  const keyed = new Map<string, { key: ProtectedSubject; released: Map<string, string>; lookups: Set<string> }>();
  const accessOf = (subject: Subject) => {
    const id = `${subject.kind}:${subject.id}`;
    let access = accesses.get(id);
    if (!access) {
      access = { subject, released: new Map(), withheld: new Map(), lookups: new Set() };
      accesses.set(id, access);
    }
    return access;
  };
  for (const call of calls) {
    if (call.call === 'record') {
      const access = accessOf(call.subject);
      const { decision } = call;
      if (decision.allowed) access.released.set(decision.coordinate, decision.consentId ? `consent:${decision.consentId}` : decision.basis);
      else access.withheld.set(decision.coordinate, decision.code);
      if (decision.allowed && decision.breakGlassGrantId) access.breakGlassGrantId ??= decision.breakGlassGrantId;
    } else if (call.call === 'recordLookup') {
      const access = accessOf(call.subject);
      access.lookups.add(call.lookup);
      if (call.breakGlassGrantId) access.breakGlassGrantId ??= call.breakGlassGrantId;
    } else {
      const id = `${call.key.kind}:${call.key.subjectKey}`;
      let access = keyed.get(id);
      if (!access) {
        access = { key: call.key, released: new Map(), lookups: new Set() };
        keyed.set(id, access);
      }
      access.lookups.add(call.lookup);
      if (call.released) access.released.set(call.released.coordinate, call.released.basis);
    }
  }
  type Entry = { kind: string; subjectKey: string; subjectEncrypted: string; released: Map<string, string>; withheld: Set<string>; lookups: Set<string>; breakGlassGrantId?: string };
  const entries = new Map<string, Entry>();
  const entryFor = (kind: string, subjectKey: string, subjectEncrypted: string) => {
    let entry = entries.get(subjectKey);
    if (!entry) {
      entry = { kind, subjectKey, subjectEncrypted, released: new Map(), withheld: new Set(), lookups: new Set() };
      entries.set(subjectKey, entry);
    }
    return entry;
  };
  for (const access of accesses.values()) {
    const touched = access.subject.kind === 'person' ? [people.get(access.subject.id)] : (membersOf.get(access.subject.id) ?? []);
    for (const person of touched) {
      if (!person) continue;
      const entry = entryFor('PERSON', person.bsnHash, person.bsnEncrypted);
      for (const [coordinate, basis] of access.released) entry.released.set(coordinate, basis);
      for (const coordinate of access.withheld.keys()) entry.withheld.add(coordinate);
      for (const lookup of access.lookups) entry.lookups.add(lookup);
      if (access.breakGlassGrantId) entry.breakGlassGrantId ??= access.breakGlassGrantId;
    }
  }
  for (const access of keyed.values()) {
    const entry = entryFor(access.key.kind, access.key.subjectKey, access.key.subjectEncrypted);
    for (const [coordinate, basis] of access.released) entry.released.set(coordinate, basis);
    for (const lookup of access.lookups) entry.lookups.add(lookup);
  }
  return [...entries.values()].map(({ kind, subjectKey, subjectEncrypted, released, withheld, lookups, breakGlassGrantId }) => {
    const fieldsReleased = [...released.keys()].sort();
    return {
      subjectKind: kind, subjectKey, subjectEncrypted,
      lookups: [...lookups].sort(),
      fieldsReleased,
      fieldsWithheld: [...withheld].sort(),
      fieldBases: Object.fromEntries(fieldsReleased.map((coordinate) => [coordinate, released.get(coordinate)!])),
      breakGlassGrantId: breakGlassGrantId ?? null,
    };
  });
}
