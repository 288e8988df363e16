import type { Caller } from './caller.ts';
import { findOrganisation } from '../domain/organisations.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import { AuthenticationError } from './authentication-error.ts';

/** What the register check needs from the policy file: the known roles and which kind may hold which. */
export type RegisterPolicies = Pick<PolicySet, 'roles' | 'organisationKinds'>;

/**
 * A signed token is the identity provider's word, not the hub's: the organisation it names must be in
 * the hub's register (src/domain/organisations.ts), and every role it carries must be one that kind of
 * organisation may hold (policy file: organisationKinds). Otherwise an identity provider's mistake, such
 * as a housing corporation's employee with the role wijkcoach, would become access.
 *
 * Messages never repeat the token's org or an unknown role: those are chosen by whoever made the token.
 * A role the policy knows and a kind from the register are the hub's own words and may be named.
 */
export function checkCallerAgainstRegister(caller: Caller, policies: RegisterPolicies): void {
  // Exact match only: "Wijkteam-Oost" or " wijkteam-oost" is not wijkteam-oost.
  const organisation = findOrganisation(caller.organisationId);
  if (!organisation) throw new AuthenticationError('register', 'The token names an organisation that is not in the hub\'s organisation register');
  const allowed = policies.organisationKinds.get(organisation.kind)?.roles ?? [];
  for (const role of caller.roles) {
    if (!policies.roles.has(role)) throw new AuthenticationError('register', 'The token carries a role that the hub\'s policy does not know');
    if (!allowed.includes(role)) {
      throw new AuthenticationError('register', `An organisation of kind ${organisation.kind} may not hold the role '${role}' (policy file: organisationKinds)`);
    }
  }
}
