import type { DemoTokenClaims } from '../auth/demo-issuer.ts';
import { findOrganisation, ORGANISATIONS } from '../domain/organisations.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import { DEMO_PROFILES, USUAL_ROLE_OF_KIND } from './demo-tokens.ts';

/** What `npm run token` was given; every part optional except that a role or an organisation is needed. */
export interface TokenRequest {
  role?: string;
  org?: string;
  purpose?: string;
  sub?: string;
}

/** A request `npm run token` cannot serve; the message says what to give instead. */
export class TokenRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenRequestError';
  }
}

/**
 * The claims of a demo token. With only --role: that role's demo profile. With only --org: the role the
 * organisation's kind usually holds (USUAL_ROLE_OF_KIND). Either way the pair is checked against the
 * policy file's organisationKinds, as the hub does (src/auth/organisation-register.ts): the command never
 * prints a token the hub would refuse for its org or role.
 */
export function resolveTokenClaims(request: TokenRequest, policies: Pick<PolicySet, 'roles' | 'purposes' | 'organisationKinds'>): DemoTokenClaims {
  const knownRoles = [...policies.roles.keys()].join(', ');
  if (!request.role && !request.org) {
    throw new TokenRequestError(`--role or --org is required (roles: ${knownRoles}; organisations: ${ORGANISATIONS.map((o) => o.id).join(', ')})`);
  }
  const organisationId = request.org ?? DEMO_PROFILES[request.role!]?.organisationId;
  if (!organisationId) throw new TokenRequestError(`Role '${request.role}' has no demo profile: give --org and --purpose`);
  const organisation = findOrganisation(organisationId);
  if (!organisation) throw new TokenRequestError(`Unknown organisation '${organisationId}' (known: ${ORGANISATIONS.map((o) => o.id).join(', ')})`);

  const role = request.role ?? USUAL_ROLE_OF_KIND[organisation.kind];
  if (!policies.roles.has(role)) throw new TokenRequestError(`Unknown role '${role}' (the policy file knows: ${knownRoles})`);
  const allowed = policies.organisationKinds.get(organisation.kind)?.roles ?? [];
  if (!allowed.includes(role)) {
    throw new TokenRequestError(
      `${organisation.id} is an organisation of kind ${organisation.kind}, which may not hold the role '${role}' ` +
        `(policy file: organisationKinds; it may hold: ${allowed.join(', ') || 'no role'}); the hub would refuse this token`,
    );
  }

  const profile = DEMO_PROFILES[role];
  const purpose = request.purpose ?? profile?.purpose;
  if (!purpose) throw new TokenRequestError(`Role '${role}' has no demo profile: give --purpose`);
  if (!policies.purposes.has(purpose)) throw new TokenRequestError(`Unknown purpose '${purpose}' (the policy file knows: ${[...policies.purposes.keys()].join(', ')})`);
  // The demo professional when it is their organisation; otherwise a name that says role and organisation.
  const subject = request.sub ?? (profile?.organisationId === organisation.id ? profile.subject : `${role}.${organisation.id}`);
  return { subject, organisationId: organisation.id, roles: [role], purpose };
}
