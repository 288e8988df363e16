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

/** Active: started, not expired, not withdrawn. Withdrawal takes effect at once. */
export function isActiveConsent(consent: ConsentRecord, now: Date): boolean {
  return consent.validFrom <= now && (consent.validUntil === null || consent.validUntil > now) && consent.withdrawnAt === null;
}
