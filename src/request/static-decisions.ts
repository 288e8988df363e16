import { LRUCache } from 'lru-cache';
import type { Caller } from '../auth/caller.ts';
import { decideField, dependsOnConsent, dependsOnInvolvement, type Decision } from '../policy/decide.ts';
import { NOT_ABOUT_A_HOUSEHOLD } from '../policy/need-to-know.ts';
import type { PolicySet } from '../policy/policy-types.ts';

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

const SUBJECT_DEPENDENT = 'subject-dependent';

type CallerTable = Map<string, Decision | typeof SUBJECT_DEPENDENT>;

const tables = new WeakMap<PolicySet, LRUCache<string, CallerTable>>();

/** The decision for a field of this caller when no subject can change it; `undefined` when one can. */
export function staticDecision(policies: PolicySet, caller: Caller, coordinate: string): Decision | undefined {
  const table = callerTable(policies, caller);
  let entry = table.get(coordinate);
  if (entry === undefined) {
    entry = decideStatically(policies, caller, coordinate);
    table.set(coordinate, entry);
  }
  return entry === SUBJECT_DEPENDENT ? undefined : entry;
}

function decideStatically(policies: PolicySet, caller: Caller, coordinate: string): Decision | typeof SUBJECT_DEPENDENT {
  const policy = policies.fields.get(coordinate);
  // A field without a policy is denied; the policy check at start-up makes this unreachable in practice.
  if (!policy) return frozen({ allowed: false, coordinate, code: 'FORBIDDEN', reason: `No policy covers ${coordinate}`, options: [] });
  if (dependsOnConsent(policies, policy, caller) || dependsOnInvolvement(policies, policy, caller)) return SUBJECT_DEPENDENT;
  return frozen(decideField(policies, policy, caller, [], new Date(), NOT_ABOUT_A_HOUSEHOLD));
}

function callerTable(policies: PolicySet, caller: Caller): CallerTable {
  let callers = tables.get(policies);
  if (!callers) {
    callers = new LRUCache({ max: MAX_CALLER_KINDS });
    tables.set(policies, callers);
  }
  // Everything decideField reads of the caller; a separator no organisation, role or purpose name holds.
  const key = [caller.organisationId, caller.purpose, ...[...caller.roles].sort()].join('\u0000');
  let table = callers.get(key);
  if (!table) {
    table = new Map();
    callers.set(key, table);
  }
  return table;
}

/** The decision and its options; the role and purpose lists in them are the policy set's own, read-only already. */
function frozen(decision: Decision): Decision {
  for (const option of decision.options) Object.freeze(option);
  Object.freeze(decision.options);
  return Object.freeze(decision);
}
