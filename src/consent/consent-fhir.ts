import { findOrganisation } from '../domain/organisations.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import { consentStatus, type ConsentStatus } from './consent-record.ts';
import type { ConsentRow } from './consent-store.ts';

/**
 * A consent record as a FHIR R4 (4.0.1) `Consent` resource, for partners that keep consents in FHIR
 * (the GGZ provider does). Checked against the R4 definition by test/consent/consent-fhir.test.ts.
 */
export const BSN_SYSTEM = 'http://fhir.nl/fhir/NamingSystem/bsn';
const HUB_FHIR = 'https://hub.ontschot.local/fhir';
const ORGANISATION_SYSTEM = `${HUB_FHIR}/NamingSystem/organisation`;
const CONSENT_ID_SYSTEM = `${HUB_FHIR}/NamingSystem/consent`;
const EVIDENCE_SYSTEM = `${HUB_FHIR}/NamingSystem/consent-evidence`;
const PURPOSE_SYSTEM = `${HUB_FHIR}/CodeSystem/purpose`;
const DATA_CATEGORY_SYSTEM = `${HUB_FHIR}/CodeSystem/data-category`;

/** consent-state-codes (required binding): a withdrawn or expired consent is no longer in force. */
const FHIR_STATUS: Record<ConsentStatus, 'active' | 'inactive' | 'proposed'> = {
  ACTIVE: 'active',
  PENDING_CONFIRMATION: 'proposed', // recorded, waiting for the second professional (four eyes)
  NOT_YET_VALID: 'active', // agreed and in force; provision.period says from when it applies
  WITHDRAWN: 'inactive',
  EXPIRED: 'inactive',
};

const EVIDENCE_DISPLAY: Record<string, string> = {
  WRITTEN: 'Schriftelijke toestemming',
  VERBAL: 'Mondelinge toestemming (gespreksverslag)',
  DIGITAL: 'Digitale toestemming',
};

export type FhirConsent = Record<string, unknown> & { resourceType: 'Consent' };

/** `bsn` is the decrypted subject of the consent; `null` leaves the patient out (rows from before it was stored). */
export function toFhirConsent(consent: ConsentRow, bsn: string | null, policies: PolicySet, now = new Date()): FhirConsent {
  const organisation = (id: string) => ({ type: 'Organization', identifier: { system: ORGANISATION_SYSTEM, value: id }, display: findOrganisation(id)?.name ?? id });
  const patient = bsn ? { type: 'Patient', identifier: { system: BSN_SYSTEM, value: bsn } } : undefined;
  const performer = consent.givenBy === 'LEGAL_REPRESENTATIVE'
    ? { type: 'RelatedPerson', display: consent.representativeName ?? 'Wettelijk vertegenwoordiger' }
    : patient;
  return {
    resourceType: 'Consent',
    id: consent.id,
    identifier: [{ system: CONSENT_ID_SYSTEM, value: consent.id }],
    status: FHIR_STATUS[consentStatus(consent, now)],
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy', display: 'Privacy Consent' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    ...(patient ? { patient } : {}),
    dateTime: consent.recordedAt.toISOString(),
    ...(performer ? { performer: [performer] } : {}),
    ...(consent.recordedByOrganisationId ? { organization: [organisation(consent.recordedByOrganisationId)] } : {}),
    sourceReference: {
      type: 'DocumentReference',
      identifier: { system: EVIDENCE_SYSTEM, value: consent.evidenceReference },
      display: EVIDENCE_DISPLAY[consent.evidenceMethod] ?? consent.evidenceMethod,
    },
    policyRule: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN', display: 'opt-in' }],
      text: 'Uitdrukkelijke toestemming (AVG art. 6 lid 1 sub a; art. 9 lid 2 sub a voor bijzondere persoonsgegevens)',
    },
    provision: {
      type: 'permit',
      period: { start: consent.validFrom.toISOString(), ...(consent.validUntil ? { end: consent.validUntil.toISOString() } : {}) },
      actor: [
        {
          role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }] },
          reference: organisation(consent.granteeOrganisationId),
        },
      ],
      purpose: [{ system: PURPOSE_SYSTEM, code: consent.purpose, display: policies.purposes.get(consent.purpose) ?? consent.purpose }],
      class: [{ system: DATA_CATEGORY_SYSTEM, code: consent.category, display: policies.categories.get(consent.category)?.description ?? consent.category }],
    },
  };
}
