import type { Subject } from '../audit/access-log.ts';
import type { Caller } from '../auth/caller.ts';
import { type ConsentLookup, decideField, type Decision, releasingConsent } from '../policy/decide.ts';
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
 *
 * Returns the decision itself once it is known (a field of a person whose facts were already read), a
 * promise only while it is being worked out: most fields of a case screen then cost no promise at all.
 */
export function decideForSubject(context: RequestContext, coordinate: string, subject: Subject | undefined): Decision | Promise<Decision> {
  // A field no subject can change: decided once for this kind of caller, at once.
  const known = context.callerDecisions.decision(coordinate);
  if (known) return known;
  const ofSubject = context.decisions.of(subject);
  const kept = ofSubject.get(coordinate);
  if (kept) return kept;
  const pending = decideWithFacts(context.policies, context.caller, coordinate, subject, requestFacts(context));
  ofSubject.set(coordinate, pending);
  // Once settled, later fields take the decision without waiting; a failure stays a rejected promise.
  pending.then((decision) => ofSubject.get(coordinate) === pending && ofSubject.set(coordinate, decision), () => undefined);
  return pending;
}

/** The decisions made in one request, per subject and field: settled ones as they are, the others as promises. */
export class RequestDecisions {
  private readonly people = new Map<string, Map<string, Decision | Promise<Decision>>>();
  private readonly households = new Map<string, Map<string, Decision | Promise<Decision>>>();
  private readonly withoutSubject = new Map<string, Decision | Promise<Decision>>();

  /** The decisions about this subject (or about no subject), per field. */
  of(subject: Subject | undefined): Map<string, Decision | Promise<Decision>> {
    if (!subject) return this.withoutSubject;
    const bySubject = subject.kind === 'person' ? this.people : this.households;
    let decisions = bySubject.get(subject.id);
    if (!decisions) {
      decisions = new Map();
      bySubject.set(subject.id, decisions);
    }
    return decisions;
  }

  /** After a change in this request (src/involvement): later fields decide afresh. */
  clear(): void {
    this.people.clear();
    this.households.clear();
    this.withoutSubject.clear();
  }
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
  /**
   * Decisions kept per standing, releasing consent and field (the gateway: per request): people who
   * stand alike and have the same releasing consent (mostly none) share one decision, made once.
   */
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
  if (!dependence.onConsent) return decidedByStanding(policies, policy, caller, facts, standing, NO_CONSENTS);
  if (subject?.kind !== 'person') {
    return { allowed: false, coordinate, code: 'FORBIDDEN', category: policy.category, reason: 'No single person to check consent for', options: [] };
  }
  // Without involvement or a grant the consent records are not read at all (decideField does not look).
  const consents = standing !== NOT_ABOUT_A_HOUSEHOLD && !standing.involved && !standing.breakGlassGrantId ? NO_CONSENTS : await facts.consentsOf(subject.id);
  return decidedByStanding(policies, policy, caller, facts, standing, consents);
}

const NO_CONSENTS: ConsentLookup = [];

/**
 * decideField reads a person's consents, and the moment, only through the consent that releases the
 * field (releasingConsent): its decision is the same for every person of households where the caller
 * stands alike (involved, a grant, neither) whose releasing consent is the same (that record, none, or
 * the store unavailable). So it is made once per such situation and field, and shared.
 */
function decidedByStanding(policies: PolicySet, policy: FieldPolicy, caller: Caller, facts: DecisionFacts, standing: Standing | typeof NOT_ABOUT_A_HOUSEHOLD, consents: ConsentLookup): Decision {
  const at = facts.at; // read once: the gateway's facts give the moment of asking
  const consentKey = consents === 'unavailable' ? '!' : (releasingConsent(consents, policy.category, caller, at)?.id ?? '');
  const standingKey = standing === NOT_ABOUT_A_HOUSEHOLD ? '-' : `${standing.involved ? 1 : 0}:${standing.breakGlassGrantId ?? ''}`;
  const key = `${standingKey}:${consentKey}:${policy.coordinate}`;
  let decision = facts.decisionsByStanding?.get(key);
  if (!decision) {
    decision = decideField(policies, policy, caller, consents, at, standing);
    facts.decisionsByStanding?.set(key, decision);
  }
  return decision;
}

const factsOfRequest = new WeakMap<RequestContext, DecisionFacts>();

/**
 * The request's facts, made once per request (no closures per field). `at` is the moment it is read, as
 * when each decision took its own `new Date()`; decideWithFacts reads it once per decision.
 */
function requestFacts(context: RequestContext): DecisionFacts {
  let facts = factsOfRequest.get(context);
  if (!facts) {
    facts = {
      get at() {
        return new Date();
      },
      standingOf: (subject) => standingOf(context, subject),
      consentsOf: (personId) => consentsOf(context, personId),
      callerDecisions: context.callerDecisions,
      decisionsByStanding: context.decisionsByStanding,
    };
    factsOfRequest.set(context, facts);
  }
  return facts;
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
