import type { Decision } from '../policy/decide.ts';

/** Whose data a field is about: one person, a whole household (all its members), or nobody. */
export type Subject = { kind: 'person'; id: string } | { kind: 'household'; id: string };

export interface SubjectAccess {
  subject: Subject;
  released: Map<string, string>;
  withheld: Map<string, string>;
}

/**
 * Collects, during one request, which fields were released or withheld for whom. Written to the audit
 * log in one go before the response leaves the gateway (src/audit/audit-writer.ts).
 */
export class AccessLog {
  private readonly entries = new Map<string, SubjectAccess>();

  /** Released: the basis it was released on (legal basis name or `consent:<id>`). Withheld: the code. */
  record(subject: Subject, decision: Decision): void {
    const key = `${subject.kind}:${subject.id}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { subject, released: new Map(), withheld: new Map() };
      this.entries.set(key, entry);
    }
    if (decision.allowed) entry.released.set(decision.coordinate, decision.consentId ? `consent:${decision.consentId}` : decision.basis);
    else entry.withheld.set(decision.coordinate, decision.code);
  }

  subjects(): SubjectAccess[] {
    return [...this.entries.values()];
  }

  get isEmpty(): boolean {
    return this.entries.size === 0;
  }
}
