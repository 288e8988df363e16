/** A consent record as the decision needs it (see prisma/schema.prisma, model Consent). */
export interface ConsentRecord {
  id: string;
  subjectKey: string;
  category: string;
  granteeOrganisationId: string;
  purpose: string;
  validFrom: Date;
  validUntil: Date | null;
  withdrawnAt: Date | null;
  /** Null while a special-category consent waits for its second professional (four eyes): not active yet. */
  confirmedAt: Date | null;
}

/** Where a consent stands at a moment. A withdrawal counts at once and outranks expiry. */
export type ConsentStatus = 'ACTIVE' | 'WITHDRAWN' | 'EXPIRED' | 'NOT_YET_VALID' | 'PENDING_CONFIRMATION';

export function consentStatus(consent: ConsentRecord, now: Date): ConsentStatus {
  if (consent.withdrawnAt !== null) return 'WITHDRAWN';
  if (consent.confirmedAt === null) return 'PENDING_CONFIRMATION';
  if (consent.validUntil !== null && consent.validUntil <= now) return 'EXPIRED';
  if (consent.validFrom > now) return 'NOT_YET_VALID';
  return 'ACTIVE';
}

/** Active: confirmed, started, not expired, not withdrawn. Withdrawal takes effect at once. */
export function isActiveConsent(consent: ConsentRecord, now: Date): boolean {
  return consentStatus(consent, now) === 'ACTIVE';
}

/**
 * The consent as it stood at a past moment (the policy dry run, src/policy-whatif): a withdrawal or a
 * confirmation made after that moment had not happened yet. The hub itself never uses this: at run time a
 * withdrawal counts at once, whatever a replica's clock says.
 */
export function consentAsOf(consent: ConsentRecord, at: Date): ConsentRecord {
  return {
    ...consent,
    withdrawnAt: consent.withdrawnAt !== null && consent.withdrawnAt <= at ? consent.withdrawnAt : null,
    confirmedAt: consent.confirmedAt !== null && consent.confirmedAt <= at ? consent.confirmedAt : null,
  };
}
