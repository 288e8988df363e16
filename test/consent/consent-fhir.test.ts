import { describe, expect, it } from 'vitest';
import { BSN_SYSTEM, toFhirConsent } from '../../src/consent/consent-fhir.ts';
import type { ConsentRow } from '../../src/consent/consent-store.ts';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import { loadDefinition, validateResource } from '../support/fhir-r4-validator.ts';

const definition = loadDefinition(new URL('../fixtures/fhir/consent-r4-definition.json', import.meta.url));
const policies = loadPolicyFile(new URL('../../schema/field-policies.yaml', import.meta.url).pathname, publicSchemaForPolicyCheck());
const now = new Date('2026-11-23T12:00:00Z');
const bsn = '999906318';

function row(overrides: Partial<ConsentRow> = {}): ConsentRow {
  return {
    id: '3f0c7a52-7d1e-4c55-9a43-0d4b2a9e6f11',
    subjectKey: 'hash',
    subjectEncrypted: 'v1.x.y.z',
    category: 'ggz',
    granteeOrganisationId: 'wijkteam-oost',
    purpose: 'wijkteam-ondersteuning',
    validFrom: new Date('2026-03-01T00:00:00Z'),
    validUntil: new Date('2027-03-01T00:00:00Z'),
    withdrawnAt: null,
    givenBy: 'DATA_SUBJECT',
    representativeName: null,
    evidenceMethod: 'WRITTEN',
    evidenceReference: 'DMS-2026-000418',
    recordedBy: 'sanne.deboer',
    recordedByOrganisationId: 'wijkteam-oost',
    recordedAt: new Date('2026-03-01T09:12:00Z'),
    withdrawnBy: null,
    withdrawnByOrganisationId: null,
    withdrawalReason: null,
    withdrawalEvidenceMethod: null,
    withdrawalEvidenceReference: null,
    confirmedAt: new Date('2026-03-01T09:12:00Z'),
    confirmedBy: null,
    confirmedByOrganisationId: null,
    ...overrides,
  };
}

const cases: [string, Partial<ConsentRow>, string][] = [
  ['active', {}, 'active'],
  ['not yet valid', { validFrom: new Date('2027-01-01T00:00:00Z'), validUntil: null }, 'active'],
  ['withdrawn', { withdrawnAt: new Date('2026-10-01T09:30:00Z'), withdrawnBy: 'sanne.deboer', withdrawnByOrganisationId: 'wijkteam-oost' }, 'inactive'],
  ['expired', { validFrom: new Date('2024-09-01T00:00:00Z'), validUntil: new Date('2025-06-30T00:00:00Z') }, 'inactive'],
  ['waiting for its second professional (four eyes)', { confirmedAt: null }, 'proposed'],
  ['withdrawn before it was confirmed', { confirmedAt: null, withdrawnAt: new Date('2026-10-01T09:30:00Z'), withdrawnBy: 'ilse.jacobs', withdrawnByOrganisationId: 'wijkteam-oost' }, 'inactive'],
  ['confirmed by a second professional', { confirmedAt: new Date('2026-03-01T10:00:00Z'), confirmedBy: 'ilse.jacobs', confirmedByOrganisationId: 'wijkteam-oost' }, 'active'],
  ['given by a legal representative', { givenBy: 'LEGAL_REPRESENTATIVE', representativeName: 'J. de Vries (curator)', evidenceMethod: 'VERBAL' }, 'active'],
];

describe('FHIR R4 Consent export', () => {
  it.each(cases)('a consent that is %s is a valid R4 Consent with status %s', (_name, overrides, status) => {
    const resource = toFhirConsent(row(overrides), bsn, policies, now);
    expect(validateResource(resource, definition)).toEqual([]);
    expect(resource.status).toBe(status);
  });

  it('names the patient by BSN system, the grantee as recipient, purpose and data class as codings', () => {
    const resource = toFhirConsent(row(), bsn, policies, now) as any;
    expect(resource.patient).toEqual({ type: 'Patient', identifier: { system: BSN_SYSTEM, value: bsn } });
    expect(resource.scope.coding[0]).toMatchObject({ system: definition.scopeCodes.system, code: 'patient-privacy' });
    expect(definition.scopeCodes.codes).toContain(resource.scope.coding[0].code);
    expect(resource.category[0].coding[0]).toMatchObject({ system: 'http://loinc.org', code: '59284-0' });
    expect(resource.dateTime).toBe('2026-03-01T09:12:00.000Z');
    expect(resource.provision).toMatchObject({
      type: 'permit',
      period: { start: '2026-03-01T00:00:00.000Z', end: '2027-03-01T00:00:00.000Z' },
      actor: [{ role: { coding: [{ code: 'IRCP' }] }, reference: { type: 'Organization', identifier: { value: 'wijkteam-oost' }, display: 'Sociaal Wijkteam Oost' } }],
      purpose: [{ code: 'wijkteam-ondersteuning' }],
      class: [{ code: 'ggz' }],
    });
    expect(resource.sourceReference).toMatchObject({ type: 'DocumentReference', identifier: { value: 'DMS-2026-000418' } });
    expect(resource.performer).toEqual([resource.patient]);
  });

  it('names a legal representative as the performer, not the patient', () => {
    const resource = toFhirConsent(row(cases.find(([name]) => name === 'given by a legal representative')![1]), bsn, policies, now) as any;
    expect(resource.performer).toEqual([{ type: 'RelatedPerson', display: 'J. de Vries (curator)' }]);
  });
});

describe('the R4 validator', () => {
  // The validator must be able to fail, or the tests above prove nothing.
  const valid = () => JSON.parse(JSON.stringify(toFhirConsent(row(), bsn, policies, now)));
  const broken: [string, (resource: any) => void, RegExp][] = [
    ['status missing', (r) => delete r.status, /Consent\.status: required/],
    ['status outside consent-state-codes', (r) => (r.status = 'withdrawn'), /consent-state-codes/],
    ['no category', (r) => (r.category = []), /Consent\.category/],
    ['category not an array', (r) => (r.category = r.category[0]), /Consent\.category: repeats/],
    ['provision type outside consent-provision-type', (r) => (r.provision.type = 'allow'), /consent-provision-type/],
    ['no policy and no policyRule (ppc-1)', (r) => delete r.policyRule, /ppc-1/],
    ['privacy scope without patient (ppc-2)', (r) => delete r.patient, /ppc-2/],
    ['an element R4 does not have', (r) => (r.provision.dataClass = r.provision.class), /Consent\.provision\.dataClass: not an element/],
    ['actor without role', (r) => delete r.provision.actor[0].role, /actor\[0\]\.role: required/],
    ['both source choices', (r) => (r.sourceAttachment = { title: 'form' }), /source\[x\]/],
    ['a dateTime that is not one', (r) => (r.dateTime = '1 March 2026'), /Consent\.dateTime: not a valid dateTime/],
  ];
  it.each(broken)('reports %s', (_name, breakIt, problem) => {
    const resource = valid();
    breakIt(resource);
    expect(validateResource(resource, definition).join('\n')).toMatch(problem);
  });
});
