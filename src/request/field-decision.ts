import type { Subject } from '../audit/access-log.ts';
import type { Caller } from '../auth/caller.ts';
import { type ConsentLookup, decideField, type Decision } from '../policy/decide.ts';
import { NOT_ABOUT_A_HOUSEHOLD, type Standing } from '../policy/need-to-know.ts';
import type { FieldPolicy, PolicySet } from '../policy/policy-types.ts';
import type { RequestContext } from './request-context.ts';
import { callerDecisions, type CallerDecisions } from './static-decisions.ts';

/**
 * The decision for one field about one subject in this request. Pruning (what the gateway asks
 * adapters for) and withholding (what the answer shows) both ask here, so they cannot disagree; the
 * answer is kept for the rest of the request. A field no consent or involvement can change is decided
 * once per kind of caller (src/request/static-decisions.ts). Consent records are read only when the
 * decision depends on them, and where the caller stands with the household (need to know) only when a
 * basis needs it, each through a request-wide DataLoader (one database round trip for all people in the query).
 */
export function decideForSubject(context: RequestContext, coordinate: string, subject: Subject | undefined): Promise<Decision> {
  const known = knownDecision(context, coordinate);
  if (known) return Promise.resolve(known);
  const key = `${subject?.kind ?? '-'}:${subject?.id ?? '-'}:${coordinate}`;
  let decision = context.decisions.get(key);
  if (!decision) {
    decision = decideWithFacts(context.policies, context.caller, coordinate, subject, requestFacts(context));
    context.decisions.set(key, decision);
  }
  return decision;
}

/** The decision when no subject can change it (the same for every person), at once; otherwise `undefined`. */
export function knownDecision(context: RequestContext, coordinate: string): Decision | undefined {
  return context.callerDecisions.decision(coordinate);
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
  /** The caller's decisions that no subject changes (default: looked up for policies and caller). */
  callerDecisions?: CallerDecisions;
  /** Decisions that depend on the standing only, kept per standing and field (the gateway: per request). */
  decisionsByStanding?: Map<string, Decision>;
}

/** The decision for one field about one subject, from the policy, the caller and the facts it needs. */
export async function decideWithFacts(policies: PolicySet, caller: Caller, coordinate: string, subject: Subject | undefined, facts: DecisionFacts): Promise<Decision> {
  const decisions = facts.callerDecisions ?? callerDecisions(policies, caller);
  // A field without a policy, and any field no consent or involvement can change, is decided there.
  const known = decisions.decision(coordinate);
  if (known) return known;
  const policy = policies.fields.get(coordinate)!;
  const dependence = decisions.dependence(coordinate);
  // Fields of a household and its members follow the row rule; other fields leave it to their root resolver.
  const standing = subject && dependence.onInvolvement ? await facts.standingOf(subject) : NOT_ABOUT_A_HOUSEHOLD;
  if (!dependence.onConsent) return decidedByStanding(policies, policy, caller, facts, standing);
  if (subject?.kind !== 'person') {
    return { allowed: false, coordinate, code: 'FORBIDDEN', category: policy.category, reason: 'No single person to check consent for', options: [] };
  }
  // Without involvement or a grant the consent records are not read at all (decideField does not look).
  const consents = standing !== NOT_ABOUT_A_HOUSEHOLD && !standing.involved && !standing.breakGlassGrantId ? [] : await facts.consentsOf(subject.id);
  return decideField(policies, policy, caller, consents, facts.at, standing);
}

/**
 * A field that depends on involvement but not on consent: its decision is the same for every person of
 * households where the caller stands alike (involved, a grant, neither), so it is made once per standing.
 */
function decidedByStanding(policies: PolicySet, policy: FieldPolicy, caller: Caller, facts: DecisionFacts, standing: Standing | typeof NOT_ABOUT_A_HOUSEHOLD): Decision {
  const key = standing === NOT_ABOUT_A_HOUSEHOLD ? `-:${policy.coordinate}` : `${standing.involved ? 1 : 0}:${standing.breakGlassGrantId ?? ''}:${policy.coordinate}`;
  let decision = facts.decisionsByStanding?.get(key);
  if (!decision) {
    decision = decideField(policies, policy, caller, [], facts.at, standing);
    facts.decisionsByStanding?.set(key, decision);
  }
  return decision;
}

function requestFacts(context: RequestContext): DecisionFacts {
  return {
    at: new Date(),
    standingOf: (subject) => standingOf(context, subject),
    consentsOf: (personId) => consentsOf(context, personId),
    callerDecisions: context.callerDecisions,
    decisionsByStanding: context.decisionsByStanding,
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
