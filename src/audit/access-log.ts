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
  /** The decisions recorded about this subject, in the order they were made. */
  decisions: DecisionPath;
  /** The look-up fields (Query.personByBsn, ...) that led to this subject. */
  lookups: Set<string>;
  /** The break-the-glass grant data of this subject was released under, if any. */
  breakGlassGrantId?: string;
}

/**
 * A sequence of decisions, as a path in a tree that the subjects of one request share: subjects about
 * whom the same decisions were made in the same order (most people of a case screen: the gateway shares
 * decision objects between them, src/request/field-decision.ts) end on the same path, so what the
 * decisions come to (DecisionSet, src/audit/audit-writer.ts) is worked out once per path, not per person.
 * Recording a decision costs a lookup by the decision object: no string, no map per subject.
 */
export class DecisionPath {
  /** The path that continues with one decision more; one child kept without a map (most paths do not branch). */
  private onlyDecision?: Decision;
  private onlyChild?: DecisionPath;
  private children?: Map<Decision, DecisionPath>;
  /** Paths that continue with all decisions of another path (a household's fields counted for its members). */
  private joined?: Map<DecisionPath, DecisionPath>;
  /** Anything its owner keeps about the path (the audit writer: the decision set it comes to). */
  memo?: unknown;

  constructor(
    readonly previous: DecisionPath | undefined,
    readonly decision: Decision | undefined,
  ) {}

  /** The decisions of this path in the order they were made (none for the empty path). */
  decisions(): Decision[] {
    const decisions: Decision[] = [];
    for (let path: DecisionPath | undefined = this; path?.decision; path = path.previous) decisions.push(path.decision);
    return decisions.reverse();
  }

  /** This path followed by `decision`. */
  then(decision: Decision): DecisionPath {
    if (this.onlyDecision === decision) return this.onlyChild!;
    let child = this.children?.get(decision);
    if (child) return child;
    child = new DecisionPath(this, decision);
    if (!this.onlyDecision) {
      this.onlyDecision = decision;
      this.onlyChild = child;
    } else {
      (this.children ??= new Map()).set(decision, child);
    }
    return child;
  }

  /** This path followed by every decision of `other`. */
  join(other: DecisionPath): DecisionPath {
    if (!other.decision) return this;
    if (!this.decision) return other;
    let joined = this.joined?.get(other);
    if (!joined) {
      joined = other.decisions().reduce<DecisionPath>((path, decision) => path.then(decision), this);
      (this.joined ??= new Map()).set(other, joined);
    }
    return joined;
  }
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
  private readonly people = new Map<string, SubjectAccess>();
  private readonly households = new Map<string, SubjectAccess>();
  /** Every subject in the order it was first met (the order the writer merges them in). */
  private readonly ordered: SubjectAccess[] = [];
  private readonly keyed = new Map<string, KeyedAccess>();
  /** The empty path, where every subject's decisions start. */
  readonly noDecisions = new DecisionPath(undefined, undefined);

  /** Released: the basis it was released on (legal basis name or `consent:<id>`). Withheld: the code. */
  record(subject: Subject, decision: Decision): void {
    const entry = this.entry(subject);
    entry.decisions = entry.decisions.then(decision);
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

  subjects(): readonly SubjectAccess[] {
    return this.ordered;
  }

  keyedSubjects(): KeyedAccess[] {
    return [...this.keyed.values()];
  }

  get isEmpty(): boolean {
    return this.ordered.length === 0 && this.keyed.size === 0;
  }

  private entry(subject: Subject): SubjectAccess {
    // One map per kind: no key string made per recorded field.
    const bySubject = subject.kind === 'person' ? this.people : this.households;
    let entry = bySubject.get(subject.id);
    if (!entry) {
      entry = { subject, decisions: this.noDecisions, lookups: new Set() };
      bySubject.set(subject.id, entry);
      this.ordered.push(entry);
    }
    return entry;
  }
}
