import type { Caller } from '../auth/caller.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import { forbidden } from '../request/user-input.ts';

/**
 * The roles a root's field policy lets through: per basis, the field's roles narrowed by the legal
 * basis's. The resolvers check them again, so a policy entry loosened by mistake does not open a
 * declaration or a review to everyone.
 */
export function rolesOfPolicy(policies: PolicySet, coordinate: string): readonly string[] {
  const policy = policies.fields.get(coordinate);
  const roles = new Set<string>();
  for (const basis of policy?.bases ?? []) {
    const basisRoles = basis.kind === 'legal' ? policies.legalBases.get(basis.name)?.roles : undefined;
    for (const role of basisRoles ?? policy?.roles ?? []) if (!policy?.roles || policy.roles.includes(role)) roles.add(role);
  }
  return [...roles];
}

/** FORBIDDEN unless the caller holds one of the roles. */
export function requireRole(caller: Caller, roles: readonly string[], coordinate: string): void {
  if (!caller.roles.some((role) => roles.includes(role))) {
    throw forbidden(`The caller's role may not use ${coordinate}`);
  }
}
