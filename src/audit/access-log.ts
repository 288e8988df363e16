import type { Decision } from '../policy/decide.ts';

/** Whose data a field is about: one person, a whole household (all its members), or nobody. */
export type Subject = { kind: 'person'; id: string } | { kind: 'household'; id: string };

/**
 * What a look-up that found nobody was keyed on. The access log keeps the attempt under the keyed hash of
 * that key (never the key in clear), so a privacy officer can see enumeration: 100 BSNs tried, 100 records.
 * PERSON is the kind of every record about a person of the case registration.
 */
export type SubjectKind = 'PERSON' | MissedKeyKind;
export type MissedKeyKind = 'BSN' | 'ADDRESS' | 'HOUSEHOLD_ID' | 'PERSON_ID' | 'CONSENT_ID' | 'SEARCH';

/** A look-up key that found nobody, already protected: keyed hash to search by, encrypted copy for the officer. */
export interface MissedLookupKey {
  kind: MissedKeyKind;
  subjectKey: string;
  subjectEncrypted: string;
}

/** A subject whose identity the hub already holds in protected form (e.g. from a consent or an access record). */
export interface ProtectedSubject {
  kind: SubjectKind;
  subjectKey: string;
  subjectEncrypted: string;
}

export interface SubjectAccess {
  subject: Subject;
  released: Map<string, string>;
  withheld: Map<string, string>;
  /** The look-up fields (Query.personByBsn, ...) that led to this subject. */
  lookups: Set<string>;
  /** The break-the-glass grant data of this subject was released under, if any. */
  breakGlassGrantId?: string;
}

export interface KeyedAccess {
  key: ProtectedSubject;
  released: Map<string, string>;
  lookups: Set<string>;
}

/**
 * Collects, during one request, whose data was read and which fields were released or withheld for
 * whom. Written to the access log in one go before the response leaves the gateway
 * (src/audit/audit-writer.ts). Who a subject is comes from the hub (its own loaders and the reserved
 * subject keys of src/gateway/subject-keys.ts), never from what the client selected.
 */
export class AccessLog {
  private readonly entries = new Map<string, SubjectAccess>();
  private readonly keyed = new Map<string, KeyedAccess>();

  /** Released: the basis it was released on (legal basis name or `consent:<id>`). Withheld: the code. */
  record(subject: Subject, decision: Decision): void {
    const entry = this.entry(subject);
    if (decision.allowed) entry.released.set(decision.coordinate, decision.consentId ? `consent:${decision.consentId}` : decision.basis);
    else entry.withheld.set(decision.coordinate, decision.code);
    if (decision.allowed && decision.breakGlassGrantId) entry.breakGlassGrantId ??= decision.breakGlassGrantId;
  }

  /**
   * A look-up field (`Query.household`, `Query.personByBsn`, ...) found this subject: a read, whatever is
   * selected. Under a break-the-glass grant the record names it.
   */
  recordLookup(subject: Subject, lookup: string, breakGlassGrantId?: string): void {
    const entry = this.entry(subject);
    entry.lookups.add(lookup);
    if (breakGlassGrantId) entry.breakGlassGrantId ??= breakGlassGrantId;
  }

  /**
   * A read keyed on something other than a person of the registration: a look-up that found nobody, or
   * an officer's read of records about a subject the hub holds only in protected form. `released` names
   * what was handed out about it (for example the access records of that subject), with its basis.
   */
  recordKeyed(key: ProtectedSubject, lookup: string, released?: { coordinate: string; basis: string }): void {
    const id = `${key.kind}:${key.subjectKey}`;
    let entry = this.keyed.get(id);
    if (!entry) {
      entry = { key, released: new Map(), lookups: new Set() };
      this.keyed.set(id, entry);
    }
    entry.lookups.add(lookup);
    if (released) entry.released.set(released.coordinate, released.basis);
  }

  subjects(): SubjectAccess[] {
    return [...this.entries.values()];
  }

  keyedSubjects(): KeyedAccess[] {
    return [...this.keyed.values()];
  }

  get isEmpty(): boolean {
    return this.entries.size === 0 && this.keyed.size === 0;
  }

  private entry(subject: Subject): SubjectAccess {
    const key = `${subject.kind}:${subject.id}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { subject, released: new Map(), withheld: new Map(), lookups: new Set() };
      this.entries.set(key, entry);
    }
    return entry;
  }
}
