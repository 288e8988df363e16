import type { Caller } from '../auth/caller.ts';
import type { Basis, PolicySet } from './policy-types.ts';

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
  for (const [name, legal] of policies.legalBases) {
    if (policies.needToKnow.involvementRequiredFor.has(name)) continue;
    if (legal.roles.some((role) => caller.roles.includes(role)) && legal.purposes.includes(caller.purpose) && !isSupervision(policies, legal.roles)) return false;
  }
  return true;
}

/** The officers' basis (avg-toezicht) reads the access log, never a household: it exempts no look-up. */
function isSupervision(policies: PolicySet, roles: readonly string[]): boolean {
  const officerRoles = new Set(policies.fields.get('Query.accessRecords')?.roles ?? []);
  for (const role of policies.supervision.hubWideRoles) officerRoles.add(role);
  for (const basis of policies.fields.get('Query.accessRecords')?.bases ?? []) {
    if (basis.kind === 'legal') for (const role of policies.legalBases.get(basis.name)?.roles ?? []) officerRoles.add(role);
  }
  return roles.every((role) => officerRoles.has(role));
}
