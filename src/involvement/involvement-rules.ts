import type { Caller } from '../auth/caller.ts';
import { badUserInput, forbidden } from '../request/user-input.ts';
import { findOrganisation } from '../domain/organisations.ts';

/**
 * Who may register and end involvement. The field policy (schema/field-policies.yaml) already limits
 * the mutations to a wijkcoach; these rules add what a role cannot say: which organisation, and its
 * relation to the household.
 */

/** An intake (aanmelding) is the sociaal wijkteam's: only a caller whose organisation is a WIJKTEAM in the register. */
export function mayRegisterIntake(caller: Caller): boolean {
  return findOrganisation(caller.organisationId)?.kind === 'WIJKTEAM';
}

/**
 * An involvement may be ended by a professional of that organisation itself (it withdraws), or by a
 * wijkcoach of an organisation actively involved with the household (the regisseur closes a partner's part).
 */
export function mayEndInvolvement(caller: Caller, organisationId: string, callerInvolved: boolean): boolean {
  return caller.organisationId === organisationId || (callerInvolved && caller.roles.includes('wijkcoach'));
}

export function intakeRefused() {
  return forbidden('Only a sociaal wijkteam registers an intake');
}

/**
 * One answer for a household the hub does not know and one the caller's organisation is not involved
 * with: ids cannot be probed.
 */
export function noSuchHousehold() {
  return badUserInput('input.householdId', 'no household with this id that your organisation is involved with');
}
