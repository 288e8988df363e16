import type { Subject } from '../audit/access-log.ts';
import { type ConsentLookup, decideField, dependsOnConsent, type Decision } from '../policy/decide.ts';
import type { RequestContext } from './request-context.ts';

/**
 * The decision for one field about one subject in this request. Pruning (what the gateway asks
 * adapters for) and withholding (what the answer shows) both ask here, so they cannot disagree; the
 * answer is kept for the rest of the request. Consent records are read only when the decision depends
 * on them, through the request's DataLoader (one database round trip for all people in the query).
 */
export function decideForSubject(context: RequestContext, coordinate: string, subject: Subject | undefined): Promise<Decision> {
  const key = `${subject?.kind ?? '-'}:${subject?.id ?? '-'}:${coordinate}`;
  let decision = context.decisions.get(key);
  if (!decision) {
    decision = decide(context, coordinate, subject);
    context.decisions.set(key, decision);
  }
  return decision;
}

async function decide(context: RequestContext, coordinate: string, subject: Subject | undefined): Promise<Decision> {
  const { policies, caller } = context;
  const policy = policies.fields.get(coordinate);
  // A field without a policy is denied; the policy check at start-up makes this unreachable in practice.
  if (!policy) return { allowed: false, coordinate, code: 'FORBIDDEN', reason: `No policy covers ${coordinate}`, options: [] };
  if (!dependsOnConsent(policies, policy, caller)) return decideField(policies, policy, caller, []);
  if (subject?.kind !== 'person') {
    return { allowed: false, coordinate, code: 'FORBIDDEN', category: policy.category, reason: 'No single person to check consent for', options: [] };
  }
  return decideField(policies, policy, caller, await consentsOf(context, subject.id));
}

async function consentsOf(context: RequestContext, personId: string): Promise<ConsentLookup> {
  try {
    const person = await context.households.person.load(personId);
    return person ? await context.consents.load(person.bsnHash) : [];
  } catch {
    return 'unavailable'; // fail closed: consent-based data is withheld
  }
}
