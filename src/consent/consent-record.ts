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
}

/** Where a consent stands at a moment. A withdrawal counts at once and outranks expiry. */
export type ConsentStatus = 'ACTIVE' | 'WITHDRAWN' | 'EXPIRED' | 'NOT_YET_VALID';

export function consentStatus(consent: ConsentRecord, now: Date): ConsentStatus {
  if (consent.withdrawnAt !== null) return 'WITHDRAWN';
  if (consent.validUntil !== null && consent.validUntil <= now) return 'EXPIRED';
  if (consent.validFrom > now) return 'NOT_YET_VALID';
  return 'ACTIVE';
}

/** Active: started, not expired, not withdrawn. Withdrawal takes effect at once. */
export function isActiveConsent(consent: ConsentRecord, now: Date): boolean {
  return consentStatus(consent, now) === 'ACTIVE';
}
