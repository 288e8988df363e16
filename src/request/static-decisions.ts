import { LRUCache } from 'lru-cache';
import type { Caller } from '../auth/caller.ts';
import { decideField, dependsOnConsent, dependsOnInvolvement, type Decision } from '../policy/decide.ts';
import { NOT_ABOUT_A_HOUSEHOLD } from '../policy/need-to-know.ts';
import type { FieldPolicy, PolicySet } from '../policy/policy-types.ts';
import { DecisionsBySituation } from './decisions-by-situation.ts';

/**
 * Decisions that no consent and no involvement can change: they follow from the policy and who the
 * caller is (organisation, roles, purpose) alone, so they are made once per kind of caller, not once per
 * person and field. Most fields of a case screen are such fields (a legal basis outside the row rule, a
 * role or purpose that no basis covers, `none`). The rest depend on the subject and are decided per
 * request (src/request/field-decision.ts).
 *
 * Kept per policy set (a reloaded policy file starts afresh) in a bounded cache of callers' tables
 * (lru-cache: well kept, bounded by entry count, no timers): a caller with odd roles cannot grow memory.
 * The decisions are shared between requests, so they are frozen.
 */
const MAX_CALLER_KINDS = 500;

/** What a subject-dependent field's decision depends on, for this caller. */
export interface SubjectDependence {
  onConsent: boolean;
  onInvolvement: boolean;
}

/** A field's entry for one kind of caller: its decision, or its policy and what the decision depends on. */
export type CallerEntry = { decision: Decision } | { policy: FieldPolicy; dependence: SubjectDependence };

/**
 * One kind of caller's decisions, field by field, worked out when first asked. A request holds its
 * caller's table (src/request/request-context.ts), so a field costs one map look-up.
 */
export class CallerDecisions {
  private readonly entries = new Map<string, CallerEntry>();
  /**
   * The decisions of subject-dependent fields in situations that name no record (no break-the-glass
   * grant; a releasing consent only as a template without its id: src/request/field-decision.ts), shared
   * by every request of this kind of caller. Bounded: three standings (not about a household, involved,
   * not involved) × three consent outcomes (none releases, the store unavailable, a template) × the
   * policy set's fields. Frozen, as they are shared.
   */
  readonly situations = new DecisionsBySituation(frozen);

  constructor(
    private readonly policies: PolicySet,
    private readonly caller: Caller,
  ) {}

  /** The decision for a field when no subject can change it; `undefined` when one can. */
  decision(coordinate: string): Decision | undefined {
    const entry = this.entry(coordinate);
    return 'decision' in entry ? entry.decision : undefined;
  }

  /** For a field whose decision depends on the subject: on what (consent, involvement). */
  dependence(coordinate: string): SubjectDependence {
    const entry = this.entry(coordinate);
    return 'dependence' in entry ? entry.dependence : { onConsent: false, onInvolvement: false };
  }

  /** Both answers in one look-up: what a request asks per field. */
  entry(coordinate: string): CallerEntry {
    let entry = this.entries.get(coordinate);
    if (!entry) {
      entry = this.decide(coordinate);
      this.entries.set(coordinate, entry);
    }
    return entry;
  }

  private decide(coordinate: string): CallerEntry {
    const { policies, caller } = this;
    const policy = policies.fields.get(coordinate);
    // A field without a policy is denied; the policy check at start-up makes this unreachable in practice.
    if (!policy) return { decision: frozen({ allowed: false, coordinate, code: 'FORBIDDEN', reason: `No policy covers ${coordinate}`, options: [] }) };
    const dependence = { onConsent: dependsOnConsent(policies, policy, caller), onInvolvement: dependsOnInvolvement(policies, policy, caller) };
    if (dependence.onConsent || dependence.onInvolvement) return { policy, dependence };
    return { decision: frozen(decideField(policies, policy, caller, [], new Date(), NOT_ABOUT_A_HOUSEHOLD)) };
  }
}

const tables = new WeakMap<PolicySet, LRUCache<string, CallerDecisions>>();

/** The decisions of this kind of caller under this policy set, shared by all requests of such callers. */
export function callerDecisions(policies: PolicySet, caller: Caller): CallerDecisions {
  let callers = tables.get(policies);
  if (!callers) {
    callers = new LRUCache({ max: MAX_CALLER_KINDS });
    tables.set(policies, callers);
  }
  // Everything decideField reads of the caller; a separator no organisation, role or purpose name holds.
  const key = [caller.organisationId, caller.purpose, ...[...caller.roles].sort()].join('\u0000');
  let table = callers.get(key);
  if (!table) {
    // Shared by every professional of this kind: without whose it was first.
    table = new CallerDecisions(policies, { subject: '', organisationId: caller.organisationId, purpose: caller.purpose, roles: [...caller.roles] });
    callers.set(key, table);
  }
  return table;
}

/** The decision for a field of this caller when no subject can change it; `undefined` when one can. */
export function staticDecision(policies: PolicySet, caller: Caller, coordinate: string): Decision | undefined {
  return callerDecisions(policies, caller).decision(coordinate);
}

/** The decision and its options; the role and purpose lists in them are the policy set's own, read-only already. */
function frozen(decision: Decision): Decision {
  for (const option of decision.options) Object.freeze(option);
  Object.freeze(decision.options);
  return Object.freeze(decision);
}
