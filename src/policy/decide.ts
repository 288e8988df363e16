import type { Caller } from '../auth/caller.ts';
import { type ConsentRecord, isActiveConsent } from '../consent/consent-record.ts';
import type { FieldPolicy, PolicySet } from './policy-types.ts';

export type WithheldCode = 'FORBIDDEN' | 'CONSENT_REQUIRED' | 'CONSENT_UNAVAILABLE';

export type Decision =
  | { allowed: true; coordinate: string; category?: string; basis: string; consentId?: string }
  | {
      allowed: false;
      coordinate: string;
      code: WithheldCode;
      category?: string;
      /** Why, in words without personal data. */
      reason: string;
      /** For CONSENT_REQUIRED: the consent that would make the field visible. */
      requiredConsent?: { category: string; granteeOrganisationId: string; purpose: string };
    };

/** What the consent store answered for one person: their consent records, or that it could not be asked. */
export type ConsentLookup = readonly ConsentRecord[] | 'unavailable';

/**
 * Role and purpose checks, which need no consent records. Returns the final decision, or 'consent' when
 * the answer depends on the person's consents.
 */
export function decideByRoleAndPurpose(policies: PolicySet, field: FieldPolicy, caller: Caller): Decision | 'consent' {
  const { coordinate, category } = field;
  const roleAllowed = (roles: readonly string[] | undefined) => !roles || caller.roles.some((role) => roles.includes(role));
  const purposeAllowed = (purposes: readonly string[] | undefined) => !purposes || purposes.includes(caller.purpose);
  const forbidden = (reason: string): Decision => ({ allowed: false, coordinate, code: 'FORBIDDEN', category, reason });

  if (!roleAllowed(field.roles)) return forbidden(`The caller's role may not see ${coordinate}`);
  if (!purposeAllowed(field.purposes)) return forbidden(`${coordinate} may not be used for purpose '${caller.purpose}'`);
  switch (field.basis.kind) {
    case 'none':
      return { allowed: true, coordinate, category, basis: 'none' };
    case 'consent':
      return 'consent';
    case 'legal': {
      const basis = policies.legalBases.get(field.basis.name)!;
      if (!roleAllowed(basis.roles)) return forbidden(`Legal basis '${field.basis.name}' does not cover the caller's role`);
      if (!purposeAllowed(basis.purposes)) return forbidden(`Legal basis '${field.basis.name}' does not cover purpose '${caller.purpose}'`);
      return { allowed: true, coordinate, category, basis: field.basis.name };
    }
  }
}

/** The full decision for one field of one person. */
export function decideField(policies: PolicySet, field: FieldPolicy, caller: Caller, consents: ConsentLookup, now = new Date()): Decision {
  const byRole = decideByRoleAndPurpose(policies, field, caller);
  if (byRole !== 'consent') return byRole;
  const { coordinate } = field;
  const category = field.category!;
  if (consents === 'unavailable') {
    return { allowed: false, coordinate, code: 'CONSENT_UNAVAILABLE', category, reason: 'The consent store cannot be reached; consent-based data is withheld' };
  }
  const match = consents.find(
    (consent) =>
      consent.category === category &&
      consent.granteeOrganisationId === caller.organisationId &&
      consent.purpose === caller.purpose &&
      isActiveConsent(consent, now),
  );
  if (match) return { allowed: true, coordinate, category, basis: 'consent', consentId: match.id };
  return {
    allowed: false,
    coordinate,
    code: 'CONSENT_REQUIRED',
    category,
    reason: `Consent of this person is required for category '${category}'`,
    requiredConsent: { category, granteeOrganisationId: caller.organisationId, purpose: caller.purpose },
  };
}
