import type { Subject } from '../audit/access-log.ts';
import { type ConsentLookup, decideField, type Decision } from '../policy/decide.ts';
import { NOT_ABOUT_A_HOUSEHOLD, type Standing } from '../policy/need-to-know.ts';
import type { FieldPolicy } from '../policy/policy-types.ts';
import type { RequestContext } from './request-context.ts';

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
    decision = decide(context, coordinate, subject);
    context.decisions.set(key, decision);
  }
  return decision;
}

/** The decision when no subject can change it (the same for every person), at once; otherwise `undefined`. */
export function knownDecision(context: RequestContext, coordinate: string): Decision | undefined {
  return context.callerDecisions.decision(coordinate);
}

async function decide(context: RequestContext, coordinate: string, subject: Subject | undefined): Promise<Decision> {
  const { policies, caller } = context;
  const policy = policies.fields.get(coordinate);
  // A field without a policy is denied once per kind of caller (static-decisions.ts) and never gets here.
  if (!policy) throw new Error(`No policy covers ${coordinate}`);
  // Fields of a household and its members follow the row rule; other fields leave it to their root resolver.
  const dependence = context.callerDecisions.dependence(coordinate);
  const standing = subject && dependence.onInvolvement ? await standingOf(context, subject) : NOT_ABOUT_A_HOUSEHOLD;
  if (!dependence.onConsent) return decidedByStanding(context, policy, standing);
  if (subject?.kind !== 'person') {
    return { allowed: false, coordinate, code: 'FORBIDDEN', category: policy.category, reason: 'No single person to check consent for', options: [] };
  }
  // Without involvement or a grant the consent records are not read at all (decideField does not look).
  const consents = standing !== NOT_ABOUT_A_HOUSEHOLD && !standing.involved && !standing.breakGlassGrantId ? [] : await consentsOf(context, subject.id);
  return decideField(policies, policy, caller, consents, new Date(), standing);
}

/**
 * A field that depends on involvement but not on consent: its decision is the same for every person of
 * households where the caller stands alike (involved, a grant, neither), so it is made once per standing.
 */
function decidedByStanding(context: RequestContext, policy: FieldPolicy, standing: Standing | typeof NOT_ABOUT_A_HOUSEHOLD): Decision {
  const { policies, caller } = context;
  const { coordinate } = policy;
  const key = standing === NOT_ABOUT_A_HOUSEHOLD ? `standing:-:${coordinate}` : `standing:${standing.involved ? 1 : 0}:${standing.breakGlassGrantId ?? ''}:${coordinate}`;
  let decision = context.decisionsByStanding.get(key);
  if (!decision) {
    decision = decideField(policies, policy, caller, [], new Date(), standing);
    context.decisionsByStanding.set(key, decision);
  }
  return decision;
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
