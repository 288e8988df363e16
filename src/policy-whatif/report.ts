import type { WithheldCode } from '../policy/decide.ts';
import type { PolicySet } from '../policy/policy-types.ts';

/**
 * The dry run's answer: counts per role and field, per category and in total. Aggregates only: no BSN,
 * no names, no person, household, record or consent ids, no professionals. What goes in is an outcome
 * per (role, field); nothing else about a record reaches the report.
 */

/** How one access (a field of one record) fares under the candidate, compared with what the log says. */
export type Outcome =
  | { kind: 'releasedThenWithheld'; code: WithheldCode }
  | { kind: 'withheldThenReleased' }
  | { kind: 'unchanged' }
  | { kind: 'unknown'; reason: UnknownReason };

/** Why an access could not be decided again: a fact of its time that the database no longer holds. */
export type UnknownReason = 'PERSON_GONE' | 'GRANT_GONE' | 'CONSENT_GONE' | 'ROOT_RULE';

export const UNKNOWN_REASONS: Record<UnknownReason, string> = {
  PERSON_GONE: 'the person is no longer in the case registration (their household and consents cannot be looked up)',
  GRANT_GONE: 'the break-the-glass grant the record names is no longer in the database',
  CONSENT_GONE: 'a consent the record names as the basis is no longer in the database',
  ROOT_RULE: 'withheld then by a change\'s own rule (recording a consent, adding or ending an involvement), which the log does not record the reason of',
};

export interface Counts {
  releasedThenWithheld: number;
  withheldThenReleased: number;
  unchanged: number;
  unknown: number;
}

export interface RoleFieldRow extends Counts {
  role: string;
  field: string;
  category: string;
  /** Under the candidate, why the released-then accesses would have been withheld: code → count. */
  withheldAs: Partial<Record<WithheldCode, number>>;
}

export interface CategoryRow extends Counts {
  category: string;
  /** The candidate file's (Dutch) description of the category. */
  description: string;
}

export interface WhatIfReport {
  candidate: string;
  period: { from: string; to: string };
  recordsReplayed: number;
  accessesReplayed: number;
  totals: Counts;
  rows: RoleFieldRow[];
  categories: CategoryRow[];
  unknown: Partial<Record<UnknownReason, number>>;
}

/** A category name for fields the candidate files under none (no personal data). */
export const NO_CATEGORY = '(geen categorie)';

const zero = (): Counts => ({ releasedThenWithheld: 0, withheldThenReleased: 0, unchanged: 0, unknown: 0 });

/** Collects outcomes into the report's counts. */
export class ReportBuilder {
  private records = 0;
  private accesses = 0;
  private readonly totals = zero();
  private readonly rows = new Map<string, RoleFieldRow>();
  private readonly categories = new Map<string, CategoryRow>();
  private readonly unknown: Partial<Record<UnknownReason, number>> = {};

  constructor(private readonly candidate: PolicySet, private readonly label: string) {}

  countRecord(): void {
    this.records++;
  }

  add(roles: readonly string[], field: string, outcome: Outcome): void {
    this.accesses++;
    const role = [...roles].sort().join('+') || '(geen rol)';
    const category = this.candidate.fields.get(field)?.category ?? NO_CATEGORY;
    const key = `${role}\u0000${field}`;
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = { role, field, category, ...zero(), withheldAs: {} }));
    let categoryRow = this.categories.get(category);
    if (!categoryRow) this.categories.set(category, (categoryRow = { category, description: this.candidate.categories.get(category)?.description ?? '', ...zero() }));
    for (const counts of [row, categoryRow, this.totals]) counts[outcome.kind]++;
    if (outcome.kind === 'releasedThenWithheld') row.withheldAs[outcome.code] = (row.withheldAs[outcome.code] ?? 0) + 1;
    if (outcome.kind === 'unknown') this.unknown[outcome.reason] = (this.unknown[outcome.reason] ?? 0) + 1;
  }

  build(period: { from: Date; to: Date }): WhatIfReport {
    const byName = <T>(key: (row: T) => string) => (a: T, b: T) => key(a).localeCompare(key(b));
    return {
      candidate: this.label,
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      recordsReplayed: this.records,
      accessesReplayed: this.accesses,
      totals: { ...this.totals },
      rows: [...this.rows.values()].sort(byName((row) => `${row.role} ${row.field}`)),
      categories: [...this.categories.values()].sort(byName((row) => row.category)),
      unknown: { ...this.unknown },
    };
  }
}
