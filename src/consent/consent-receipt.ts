import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { HUB_ISSUER, type HubSigningKey } from '../auth/hub-signing-key.ts';
import type { ConsentRow } from './consent-store.ts';

/**
 * Consent receipts: what was agreed, signed by the hub (a compact JWS, ES256) for the resident to keep.
 * A receipt names the consent, not the person: no BSN and no look-up hash, so it can be shown, mailed or
 * logged without carrying an identifier. It does not expire; whether the consent still holds is asked
 * of the hub by consent id (Query.verifyConsentReceipt, npm run consent:verify).
 */
export const RECEIPT_TYPE = 'consent-receipt+jwt';

/** The `consent` claim of a receipt. Moments are ISO 8601 (UTC). */
export interface ReceiptConsent {
  id: string;
  category: string;
  granteeOrganisationId: string;
  purpose: string;
  validFrom: string;
  validUntil: string | null;
  givenBy: string;
  evidenceMethod: string;
  recordedAt: string;
}

export type ReceiptCheck = { genuine: true; consent: ReceiptConsent } | { genuine: false; reason: string };

export function signConsentReceipt(hubKey: HubSigningKey, consent: ConsentRow): Promise<string> {
  const claim: ReceiptConsent = {
    id: consent.id,
    category: consent.category,
    granteeOrganisationId: consent.granteeOrganisationId,
    purpose: consent.purpose,
    validFrom: consent.validFrom.toISOString(),
    validUntil: consent.validUntil?.toISOString() ?? null,
    givenBy: consent.givenBy,
    evidenceMethod: consent.evidenceMethod,
    recordedAt: consent.recordedAt.toISOString(),
  };
  return hubKey.sign({ consent: claim }, { type: RECEIPT_TYPE });
}

/**
 * Genuine: signed by a key of `hubKeys`, unaltered, issued by the hub as a consent receipt. Anything else
 * (garbage, a changed character, another signer, another kind of token) is "not genuine" with a reason,
 * never an exception.
 */
export async function checkConsentReceipt(receipt: string, hubKeys: JWTVerifyGetKey): Promise<ReceiptCheck> {
  try {
    const { payload } = await jwtVerify(receipt.trim(), hubKeys, { issuer: HUB_ISSUER, typ: RECEIPT_TYPE, algorithms: ['ES256'] });
    const consent = payload.consent;
    if (!isReceiptConsent(consent)) return { genuine: false, reason: 'Signed by the hub, but not a consent receipt' };
    return { genuine: true, consent };
  } catch (error) {
    return { genuine: false, reason: reasonFor(error) };
  }
}

function reasonFor(error: unknown): string {
  // Trouble with the key set is not about the receipt: let the caller report it.
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) throw error;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The signature does not match: the receipt was altered or not signed by the hub';
  if (error instanceof errors.JWKSNoMatchingKey) return 'Not signed with a key of the hub';
  if (error instanceof errors.JWTClaimValidationFailed || error instanceof errors.JOSEAlgNotAllowed) return 'Not a consent receipt of this hub';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) return 'Not a compact JWS';
  if (error instanceof errors.JOSEError) return 'The receipt could not be verified';
  throw error;
}

function isReceiptConsent(value: unknown): value is ReceiptConsent {
  if (value === null || typeof value !== 'object') return false;
  const claim = value as Record<string, unknown>;
  const text = (key: string) => typeof claim[key] === 'string';
  return ['id', 'category', 'granteeOrganisationId', 'purpose', 'validFrom', 'givenBy', 'evidenceMethod', 'recordedAt'].every(text)
    && (claim.validUntil === null || text('validUntil'));
}
