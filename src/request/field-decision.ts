import type { Subject } from '../audit/access-log.ts';
import type { Caller } from '../auth/caller.ts';
import { type ConsentLookup, decideField, dependsOnConsent, dependsOnInvolvement, type Decision } from '../policy/decide.ts';
import { NOT_ABOUT_A_HOUSEHOLD, type Standing } from '../policy/need-to-know.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import type { RequestContext } from './request-context.ts';

/**
 * The decision for one field about one subject in this request. Pruning (what the gateway asks
 * adapters for) and withholding (what the answer shows) both ask here, so they cannot disagree; the
 * answer is kept for the rest of the request. Consent records are read only when the decision depends
 * on them, and where the caller stands with the household (need to know) only when a basis needs it,
 * each through a request-wide DataLoader (one database round trip for all people in the query).
 */
export function decideForSubject(context: RequestContext, coordinate: string, subject: Subject | undefined): Promise<Decision> {
  const key = `${subject?.kind ?? '-'}:${subject?.id ?? '-'}:${coordinate}`;
  let decision = context.decisions.get(key);
  if (!decision) {
    decision = decideWithFacts(context.policies, context.caller, coordinate, subject, requestFacts(context));
    context.decisions.set(key, decision);
  }
  return decision;
}

/**
 * What a decision may need to know besides the policy and the caller, and at which moment. The gateway
 * answers from its request's loaders, now; the policy dry run (src/policy-whatif) from the database as it
 * stood when an access was logged. Each is asked only when the decision depends on it.
 */
export interface DecisionFacts {
  at: Date;
  /** Where the caller stands with the subject's household. */
  standingOf(subject: Subject): Promise<Standing>;
  /** The consent records of a person, or 'unavailable' when they cannot be read (fail closed). */
  consentsOf(personId: string): Promise<ConsentLookup>;
}

/** The decision for one field about one subject, from the policy, the caller and the facts it needs. */
export async function decideWithFacts(policies: PolicySet, caller: Caller, coordinate: string, subject: Subject | undefined, facts: DecisionFacts): Promise<Decision> {
  const policy = policies.fields.get(coordinate);
  // A field without a policy is denied; the policy check at start-up makes this unreachable in practice.
  if (!policy) return { allowed: false, coordinate, code: 'FORBIDDEN', reason: `No policy covers ${coordinate}`, options: [] };
  // Fields of a household and its members follow the row rule; other fields leave it to their root resolver.
  const standing = subject && dependsOnInvolvement(policies, policy, caller) ? await facts.standingOf(subject) : NOT_ABOUT_A_HOUSEHOLD;
  if (!dependsOnConsent(policies, policy, caller)) return decideField(policies, policy, caller, [], facts.at, standing);
  if (subject?.kind !== 'person') {
    return { allowed: false, coordinate, code: 'FORBIDDEN', category: policy.category, reason: 'No single person to check consent for', options: [] };
  }
  // Without involvement or a grant the consent records are not read at all (decideField does not look).
  const consents = standing !== NOT_ABOUT_A_HOUSEHOLD && !standing.involved && !standing.breakGlassGrantId ? [] : await facts.consentsOf(subject.id);
  return decideField(policies, policy, caller, consents, facts.at, standing);
}

function requestFacts(context: RequestContext): DecisionFacts {
  return {
    at: new Date(),
    standingOf: (subject) => standingOf(context, subject),
    consentsOf: (personId) => consentsOf(context, personId),
  };
}

/** Where the caller stands with the subject's household. A person the registration does not know: nowhere. */
export async function standingOf(context: RequestContext, subject: Subject): Promise<Standing> {
  const householdId = subject.kind === 'household' ? subject.id : (await context.households.person.load(subject.id))?.householdId;
  return householdId ? context.standing.load(householdId) : { involved: false };
}

async function consentsOf(context: RequestContext, personId: string): Promise<ConsentLookup> {
  try {
    const person = await context.households.person.load(personId);
    return person ? await context.consents.load(person.bsnHash) : [];
  } catch {
    return 'unavailable'; // fail closed: consent-based data is withheld
  }
}
