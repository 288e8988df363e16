import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { careFromResources, searchsetPage, TRAJECTORY_CODE_SYSTEM } from '../../src/adapters/ggz/translate.ts';
import { PartnerPayloadError } from '../../src/adapters/partner-call.ts';

/** One complete searchset, as the partner client reads it. */
const careFromBundle = (bundle: unknown) => careFromResources(searchsetPage(bundle).resources);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/fhir/${name}`, import.meta.url), 'utf8'));

const BSN = 'http://fhir.nl/fhir/NamingSystem/bsn';
const BASE = 'https://fhir.ggz.example/fhir';

/** Resources shaped after the FHIR R4 examples (episodeofcare-example, careteam-example, careplan-example). */
function patient(id: string, bsn?: string) {
  return {
    resourceType: 'Patient',
    id,
    meta: { versionId: '3', lastUpdated: '2026-01-05T10:00:00Z' },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Patient</div>' },
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-nationality', extension: [{ url: 'code', valueCodeableConcept: { text: 'NL' } }] }],
    identifier: bsn ? [{ system: 'urn:oid:2.16.840.1.113883.2.4.6.1', value: 'x' }, { use: 'official', system: BSN, value: bsn }] : [{ system: 'urn:other', value: 'y' }],
    active: true,
    name: [{ use: 'official', family: 'Test', given: ['Iemand'] }],
    _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1970-03-30T14:35:45-05:00' }] },
    birthDate: '1970-03-30',
  };
}

function episode(id: string, patientRef: string, status: string, code: string, start: string, system = TRAJECTORY_CODE_SYSTEM) {
  return {
    resourceType: 'EpisodeOfCare',
    id,
    identifier: [{ system: 'http://example.org/sampleepisodeofcare-identifier', value: '123' }],
    status,
    statusHistory: [{ status: 'planned', period: { start: '2014-09-01', end: '2014-09-14' } }],
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/episodeofcare-type', code: 'hacc', display: 'Home and Community Care' }, { system, code }] }],
    diagnosis: [{ condition: { reference: 'Condition/stroke' }, role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/diagnosis-role', code: 'CC' }] }, rank: 1 }],
    patient: { reference: patientRef },
    managingOrganization: { reference: 'Organization/hl7' },
    period: { start },
    careManager: { reference: 'Practitioner/14', display: 'Amanda Assigned' },
    team: [{ reference: 'CareTeam/example', display: 'example care team' }],
  };
}

function careTeam(id: string, patientRef: string, status: string, participants: { role: unknown[]; display: string }[]) {
  return {
    resourceType: 'CareTeam',
    id,
    contained: [{ resourceType: 'Practitioner', id: 'pr1', name: [{ family: 'Dietician', given: ['Dorothy'] }] }],
    status,
    category: [{ coding: [{ system: 'http://loinc.org', code: 'LA27976-2', display: 'Encounter-focused care team' }] }],
    subject: { reference: patientRef, display: 'Iemand Test' },
    participant: participants.map((p) => ({ role: p.role, member: { reference: '#pr1', display: p.display }, onBehalfOf: { reference: 'Organization/f001' } })),
  };
}

function carePlan(id: string, patientRef: string, status: string, category: unknown[]) {
  return { resourceType: 'CarePlan', id, status, intent: 'plan', category, subject: { reference: patientRef }, activity: [{ detail: { status: 'scheduled' } }] };
}

function bundle(resources: object[], extra: object = {}) {
  return {
    resourceType: 'Bundle',
    id: 'b1',
    type: 'searchset',
    total: 3,
    link: [{ relation: 'self', url: `${BASE}/Patient/_search` }],
    entry: resources.map((resource: any) => ({ fullUrl: `${BASE}/${resource.resourceType}/${resource.id}`, resource, search: { mode: resource.resourceType === 'Patient' ? 'match' : 'include' } })),
    ...extra,
  };
}

describe('careFromBundle', () => {
  it('combines episodes, care teams and care plans per BSN, ignoring what it does not need', () => {
    const result = careFromBundle(bundle([
      patient('a', '999906318'),
      patient('b', '999918369'),
      patient('c', '999925982'),
      patient('no-bsn'),
      // a: an older finished specialist trajectory and a current basic one; references relative and absolute.
      episode('e1', 'Patient/a', 'finished', 'specialistische-ggz', '2020-01-01'),
      episode('e2', `${BASE}/Patient/a/_history/2`, 'active', 'basis-ggz', '2025-06-01'),
      careTeam('t1', 'Patient/a', 'inactive', [{ role: [{ text: 'regiebehandelaar' }], display: 'Oud Behandelaar' }]),
      careTeam('t2', 'Patient/a', 'active', [
        { role: [{ text: 'casemanager' }], display: 'Case Manager' },
        { role: [{ coding: [{ system: 'https://ggz.example/rol', code: 'RB', display: 'Regiebehandelaar' }] }], display: 'Huidige Behandelaar' },
      ]),
      carePlan('p1', 'Patient/a', 'revoked', [{ text: 'signaleringsplan' }]),
      carePlan('p2', 'Patient/a', 'active', [{ coding: [{ system: 'https://ggz.example/plansoort', code: 'signaleringsplan' }] }]),
      // b: a finished trajectory in an unknown code system, a non-crisis care plan.
      episode('e3', 'Patient/b', 'finished', 'iets-anders', '2024-01-01', 'https://other.example/codes'),
      carePlan('p3', 'Patient/b', 'active', [{ text: 'behandelplan' }]),
      // c: only an episode recorded in error.
      episode('e4', 'Patient/c', 'entered-in-error', 'fact', '2025-01-01'),
      // Not needed or not ours: other resource types, and a resource for a patient outside the bundle.
      { resourceType: 'Provenance', id: 'prov', target: [{ reference: 'Patient/a' }] },
      { resourceType: 'Condition', id: 'cond', subject: { reference: 'Patient/a' } },
      episode('e5', 'Patient/zzz', 'active', 'klinisch', '2025-01-01'),
      careTeam('t3', 'Patient/no-bsn', 'active', [{ role: [{ text: 'regiebehandelaar' }], display: 'Niemand' }]),
    ], { extension: [{ url: 'https://ggz.example/x', valueString: 'y' }] }));

    expect(Object.fromEntries(result)).toEqual({
      '999906318': { inCare: true, trajectoryKind: 'BASIC_GGZ', responsiblePractitioner: 'Huidige Behandelaar', crisisPlanPresent: true },
      '999918369': { inCare: false, trajectoryKind: null, responsiblePractitioner: null, crisisPlanPresent: false },
      '999925982': { inCare: false, trajectoryKind: null, responsiblePractitioner: null, crisisPlanPresent: false },
    });
  });

  it('uses the most recent trajectory when none is active, and an inactive care team when no active one names a regiebehandelaar', () => {
    const result = careFromBundle(bundle([
      patient('a', '999906318'),
      episode('e1', 'Patient/a', 'finished', 'fact', '2021-01-01'),
      episode('e2', 'Patient/a', 'finished', 'klinisch', '2023-01-01'),
      careTeam('t1', 'Patient/a', 'active', [{ role: [{ text: 'casemanager' }], display: 'Case Manager' }]),
      careTeam('t2', 'Patient/a', 'inactive', [{ role: [{ text: 'Regiebehandelaar ' }], display: 'Vorige Behandelaar' }]),
    ]));
    expect(result.get('999906318')).toEqual({ inCare: false, trajectoryKind: 'CLINICAL', responsiblePractitioner: 'Vorige Behandelaar', crisisPlanPresent: false });
  });

  it('accepts an empty searchset', () => {
    expect(careFromBundle({ resourceType: 'Bundle', type: 'searchset', total: 0 }).size).toBe(0);
  });

  it('refuses only what it cannot use: not a Bundle, or entries that are not a list', () => {
    expect(() => searchsetPage({ resourceType: 'OperationOutcome', issue: [] })).toThrow(PartnerPayloadError);
    expect(() => searchsetPage([])).toThrow(PartnerPayloadError);
    expect(() => searchsetPage(null)).toThrow(PartnerPayloadError);
    expect(() => searchsetPage({ resourceType: 'Bundle', type: 'searchset', entry: { resource: patient('a', '999906318') } })).toThrow(PartnerPayloadError);
    // Entries without a resource (or not objects at all) are skipped, not fatal.
    expect(searchsetPage({ resourceType: 'Bundle', entry: [{ fullUrl: 'urn:uuid:x' }, 7, { resource: patient('a', '999906318') }] }).resources).toHaveLength(1);
  });

  it('reads the next link of a page', () => {
    const next = `${BASE}?_getpages=abc&_getpagesoffset=10&_count=10`;
    expect(searchsetPage(bundle([patient('a', '999906318')], { link: [{ relation: 'self', url: BASE }, { relation: 'next', url: next }] })).next).toBe(next);
    expect(searchsetPage(bundle([patient('a', '999906318')])).next).toBeUndefined();
  });
});

describe('careFromResources on FHIR R4 searchset pages shaped like the specification examples (test/fixtures/fhir)', () => {
  it('combines two pages, the regiebehandelaar from PractitionerRole and Practitioner, and ignores the rest', () => {
    const first = searchsetPage(fixture('searchset-page-1.json'));
    const second = searchsetPage(fixture('searchset-page-2.json'));
    expect(first.next).toMatch(/_getpages=/);
    expect(second.next).toBeUndefined();
    expect(Object.fromEntries(careFromResources([...first.resources, ...second.resources]))).toEqual({
      '999906318': { inCare: true, trajectoryKind: 'SPECIALIST_GGZ', responsiblePractitioner: 'drs. M. Verhoeven (GZ-psycholoog)', crisisPlanPresent: true },
      // Practitioner/pr-2 was not included: the role's reference display names the practitioner.
      '999918369': { inCare: false, trajectoryKind: 'BASIC_GGZ', responsiblePractitioner: 'E. Hendriks (verpleegkundig specialist GGZ)', crisisPlanPresent: false },
    });
  });

  it('finds no regiebehandelaar when the care team was not included (not asked for)', () => {
    const { resources } = searchsetPage(fixture('searchset-page-1.json'));
    const withoutTeams = resources.filter((resource) => !['CareTeam', 'PractitionerRole', 'Practitioner'].includes(resource.resourceType as string));
    expect(careFromResources(withoutTeams).get('999906318')).toEqual({ inCare: true, trajectoryKind: 'SPECIALIST_GGZ', responsiblePractitioner: null, crisisPlanPresent: true });
  });
});
