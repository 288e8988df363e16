import type { Caller } from '../auth/caller.ts';
import type { PolicySet } from '../policy/policy-types.ts';

/**
 * What a privacy officer supervises. An officer of an organisation sees the processing by that
 * organisation's professionals and of the data it provides; a hub-wide officer (policy file:
 * supervision.hubWideRoles, the municipality's functionaris gegevensbescherming) sees all of it.
 */
export type OfficerScope = { kind: 'hub' } | { kind: 'organisation'; organisationId: string };

export function officerScope(policies: PolicySet, caller: Caller): OfficerScope {
  return caller.roles.some((role) => policies.supervision.hubWideRoles.includes(role))
    ? { kind: 'hub' }
    : { kind: 'organisation', organisationId: caller.organisationId };
}
