import type { CareFacts, CareTrajectoryKind, DemoHousehold, DemoPerson, DemoPractitioner } from '../../demo/population.ts';

/**
 * The GGZ provider's records as FHIR R4 resources, shaped like the specification's examples (meta, text
 * narrative, extensions, identifiers with systems, codings): Patient, EpisodeOfCare, CareTeam, CarePlan,
 * Practitioner, PractitionerRole and Organization. The trajectory kind and the roles use the provider's
 * own code systems, as Dutch GGZ providers do; the adapter has to translate them. Elements the adapter
 * does not need (narratives, extensions, statusHistory, …) are there on purpose: it must ignore them.
 */

export const BSN_SYSTEM = 'http://fhir.nl/fhir/NamingSystem/bsn';
const PROVIDER = 'https://ggz-de-horizon.example.nl/fhir';
export const PATIENT_NUMBER_SYSTEM = `${PROVIDER}/NamingSystem/patientnummer`;
export const TRAJECTORY_CODE_SYSTEM = `${PROVIDER}/CodeSystem/trajectsoort`;
export const ROLE_CODE_SYSTEM = `${PROVIDER}/CodeSystem/zorgrol`;
const DISCIPLINE_CODE_SYSTEM = `${PROVIDER}/CodeSystem/discipline`;
const EMPLOYEE_SYSTEM = `${PROVIDER}/NamingSystem/medewerker`;
const EPISODE_SYSTEM = `${PROVIDER}/NamingSystem/traject`;
const EN_QUALIFIER = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier';
const LAST_UPDATED = '2026-03-01T09:30:00+01:00';

/** A FHIR resource as JSON; only `resourceType` and `id` are relied on by the server itself. */
export interface FhirResource {
  resourceType: string;
  id: string;
  [element: string]: unknown;
}

/** Everything the provider holds, keyed by `Type/id`, and its patients with their BSN. */
export interface FhirStore {
  resources: Map<string, FhirResource>;
  patients: { bsn: string; patient: FhirResource }[];
}

const TRAJECTORY: Record<CareTrajectoryKind, { code: string; display: string }> = {
  BASIC_GGZ: { code: 'basis-ggz', display: 'Basis-GGZ' },
  SPECIALIST_GGZ: { code: 'specialistische-ggz', display: 'Specialistische GGZ' },
  FACT: { code: 'fact', display: 'FACT (Flexible Assertive Community Treatment)' },
  CLINICAL: { code: 'klinisch', display: 'Klinische opname' },
};

const ORGANISATION: FhirResource = {
  resourceType: 'Organization',
  id: 'ggz-de-horizon',
  meta: { versionId: '1', lastUpdated: LAST_UPDATED },
  text: narrative('GGZ De Horizon, Utrecht'),
  identifier: [{ use: 'official', system: 'http://fhir.nl/fhir/NamingSystem/agb-z', value: '73730000' }],
  active: true,
  type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov', display: 'Healthcare Provider' }] }],
  name: 'GGZ De Horizon',
};
const ORGANISATION_REF = { reference: 'Organization/ggz-de-horizon', display: 'GGZ De Horizon' };

export function buildFhirStore(households: readonly DemoHousehold[]): FhirStore {
  const resources = new Map<string, FhirResource>();
  const add = (resource: FhirResource | undefined) => resource && resources.set(`${resource.resourceType}/${resource.id}`, resource);
  add(ORGANISATION);
  const patients: FhirStore['patients'] = [];
  for (const person of households.flatMap((household) => household.members)) {
    if (!person.care) continue;
    const record = patientResources(person, person.care);
    record.forEach(add);
    patients.push({ bsn: person.bsn, patient: record[0] });
  }
  return { resources, patients };
}

/** The patient first, then what hangs off it (and the practitioner it points to). */
function patientResources(person: DemoPerson, care: CareFacts): FhirResource[] {
  // Resource ids come from the provider's patient number, never from the BSN.
  const key = care.patientNumber.toLowerCase();
  const fullName = `${person.givenName} ${person.familyName}`;
  const patientRef = { reference: `Patient/${key}`, display: fullName };
  const trajectory = TRAJECTORY[care.trajectory];
  const practitioner = practitionerResource(care.responsiblePractitioner);
  const role = practitionerRoleResource(care.responsiblePractitioner, practitioner);
  const practitionerRef = { reference: `Practitioner/${practitioner.id}`, display: displayName(care.responsiblePractitioner) };
  const meta = { versionId: '2', lastUpdated: LAST_UPDATED };
  return [
    {
      resourceType: 'Patient',
      id: key,
      meta: { ...meta, profile: ['http://nictiz.nl/fhir/StructureDefinition/nl-core-Patient'] },
      text: narrative(`${fullName}, geboren ${person.birthDate}`),
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-nationality', extension: [{ url: 'code', valueCodeableConcept: { coding: [{ system: 'urn:iso:std:iso:3166', code: 'NL' }] } }] }],
      identifier: [
        { use: 'official', system: BSN_SYSTEM, value: person.bsn },
        { use: 'usual', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: PATIENT_NUMBER_SYSTEM, value: care.patientNumber },
      ],
      active: true,
      name: [{ use: 'official', text: fullName, family: person.familyName, given: [person.givenName] }],
      birthDate: person.birthDate,
      managingOrganization: ORGANISATION_REF,
    },
    {
      resourceType: 'EpisodeOfCare',
      id: `eoc-${key}`,
      meta,
      text: narrative(`${trajectory.display} sinds ${care.startDate}`),
      identifier: [{ system: EPISODE_SYSTEM, value: `T-${care.patientNumber}` }],
      status: care.active ? 'active' : 'finished',
      statusHistory: [{ status: 'waitlist', period: { end: care.startDate } }, { status: 'active', period: { start: care.startDate } }],
      type: [{ coding: [{ system: TRAJECTORY_CODE_SYSTEM, code: trajectory.code, display: trajectory.display }], text: trajectory.display }],
      patient: patientRef,
      managingOrganization: ORGANISATION_REF,
      period: { start: care.startDate },
      careManager: practitionerRef,
      team: [{ reference: `CareTeam/ct-${key}` }],
    },
    {
      resourceType: 'CareTeam',
      id: `ct-${key}`,
      meta,
      text: narrative('Behandelteam'),
      identifier: [{ system: `${PROVIDER}/NamingSystem/behandelteam`, value: `BT-${care.patientNumber}` }],
      status: care.active ? 'active' : 'inactive',
      category: [{ coding: [{ system: 'http://loinc.org', code: 'LA28865-6', display: 'Longitudinal care-coordination focused care team' }] }],
      name: 'Behandelteam',
      subject: patientRef,
      period: { start: care.startDate },
      participant: [
        {
          role: [{ coding: [{ system: ROLE_CODE_SYSTEM, code: 'regiebehandelaar', display: 'Regiebehandelaar' }] }],
          member: { reference: `PractitionerRole/${role.id}`, display: displayName(care.responsiblePractitioner) },
          onBehalfOf: ORGANISATION_REF,
          period: { start: care.startDate },
        },
      ],
      managingOrganization: [ORGANISATION_REF],
    },
    practitioner,
    role,
    care.crisisPlan
      ? {
          resourceType: 'CarePlan',
          id: `cp-${key}`,
          meta,
          text: narrative('Signaleringsplan'),
          status: care.active ? 'active' : 'completed',
          intent: 'plan',
          category: [{ coding: [{ system: `${PROVIDER}/CodeSystem/plansoort`, code: 'signaleringsplan', display: 'Signaleringsplan' }], text: 'signaleringsplan' }],
          title: 'Signaleringsplan',
          subject: patientRef,
          period: { start: care.startDate },
          author: practitionerRef,
        }
      : undefined,
  ].filter((resource): resource is FhirResource => resource !== undefined);
}

function practitionerResource(practitioner: DemoPractitioner): FhirResource {
  const qualified = (code: string) => ({ extension: [{ url: EN_QUALIFIER, valueCode: code }] });
  return {
    resourceType: 'Practitioner',
    id: practitionerId(practitioner),
    meta: { versionId: '1', lastUpdated: LAST_UPDATED, profile: ['http://nictiz.nl/fhir/StructureDefinition/nl-core-HealthProfessional-Practitioner'] },
    text: narrative(displayName(practitioner)),
    identifier: [{ system: EMPLOYEE_SYSTEM, value: `MW-${practitioner.family.toUpperCase()}` }],
    active: true,
    name: [
      {
        use: 'official',
        text: displayName(practitioner),
        family: practitioner.family,
        given: [practitioner.initials],
        // nl-core: initials and academic titles are marked with the ISO 21090 qualifier extension.
        _given: [qualified('IN')],
        ...(practitioner.prefix ? { prefix: [practitioner.prefix], _prefix: [qualified('AC')] } : {}),
      },
    ],
  };
}

function practitionerRoleResource(practitioner: DemoPractitioner, resource: FhirResource): FhirResource {
  return {
    resourceType: 'PractitionerRole',
    id: `rol-${resource.id}`,
    meta: { versionId: '1', lastUpdated: LAST_UPDATED },
    text: narrative(`${displayName(practitioner)}, regiebehandelaar`),
    active: true,
    practitioner: { reference: `Practitioner/${resource.id}`, display: displayName(practitioner) },
    organization: ORGANISATION_REF,
    code: [{ coding: [{ system: ROLE_CODE_SYSTEM, code: 'regiebehandelaar', display: 'Regiebehandelaar' }] }],
    specialty: [{ coding: [{ system: DISCIPLINE_CODE_SYSTEM, code: slug(practitioner.discipline), display: practitioner.discipline }], text: practitioner.discipline }],
  };
}

function practitionerId(practitioner: DemoPractitioner): string {
  return `pr-${slug(`${practitioner.family} ${practitioner.initials}`)}`;
}

function displayName(practitioner: DemoPractitioner): string {
  return [practitioner.prefix, practitioner.initials, practitioner.family].filter(Boolean).join(' ');
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function narrative(summary: string) {
  return { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml"><p>${summary}</p></div>` };
}
