import type { Caller } from '../auth/caller.ts';
import type { Basis, LegalBasis, PolicySet } from './policy-types.ts';

/**
 * Need to know, as the decision sees it: where the caller stands with the household a field is about.
 * `involved`: the caller's organisation has an active involvement with it, for the caller's purpose.
 * `breakGlassGrantId`: the caller declared an emergency for it and the grant has not expired; it stands
 * in for involvement, never for a special category. Read per request by src/involvement/standing-loader.ts.
 */
export interface Standing {
  involved: boolean;
  breakGlassGrantId?: string;
}

/**
 * For a field that is not about a household (a root field, a consent, an access record): the row rule
 * is not the decision's to apply there; the root's resolver applies it (src/involvement/involvement-guard.ts).
 */
export const NOT_ABOUT_A_HOUSEHOLD = 'not-about-a-household';

/** Whether data released on this basis needs the caller's involvement with the household (policy: needToKnow). */
export function basisNeedsInvolvement(policies: PolicySet, basis: Basis): boolean {
  return basis.kind !== 'none' && policies.needToKnow.involvementRequiredFor.has(basis.kind === 'legal' ? basis.name : 'consent');
}

/**
 * Whether a look-up by BSN or address must find only households the caller's organisation is involved
 * with. Not for a caller whose role and purpose a basis exempt from the row rule covers (the Wgs early
 * signal: the debt worker is usually not yet involved when a signal arrives); everyone else who is not
 * involved gets the answer for an unknown resident.
 */
export function lookupNeedsInvolvement(policies: PolicySet, caller: Caller): boolean {
  return !basesExemptingLookups(policies).some((legal) => legal.roles.some((role) => caller.roles.includes(role)) && legal.purposes.includes(caller.purpose));
}

const exemptingBases = new WeakMap<PolicySet, LegalBasis[]>();

/**
 * The legal bases outside the row rule that may release household data, worked out once per policy set.
 * The officers' basis of the access log (Query.accessRecords) reads no household and exempts nothing.
 */
function basesExemptingLookups(policies: PolicySet): LegalBasis[] {
  let bases = exemptingBases.get(policies);
  if (!bases) {
    const supervision = new Set((policies.fields.get('Query.accessRecords')?.bases ?? []).flatMap((basis) => (basis.kind === 'legal' ? [basis.name] : [])));
    bases = [...policies.legalBases].filter(([name]) => !policies.needToKnow.involvementRequiredFor.has(name) && !supervision.has(name)).map(([, legal]) => legal);
    exemptingBases.set(policies, bases);
  }
  return bases;
}
