import type { CareFacts, CareTrajectoryKind, DemoPerson } from '../../demo/population.ts';

/**
 * The GGZ provider's records as FHIR R4 resources, shaped like the specification's examples
 * (Patient, EpisodeOfCare, CareTeam, CarePlan). The trajectory kind uses the provider's own code system,
 * as Dutch GGZ providers do; the adapter has to translate it.
 */

export const BSN_SYSTEM = 'http://fhir.nl/fhir/NamingSystem/bsn';
export const PATIENT_NUMBER_SYSTEM = 'https://ggz-de-horizon.example.nl/fhir/NamingSystem/patientnummer';
export const TRAJECTORY_CODE_SYSTEM = 'https://ggz-de-horizon.example.nl/fhir/CodeSystem/trajectsoort';
const ORGANISATION = { display: 'GGZ De Horizon' };

/** A FHIR resource as JSON; only `resourceType` and `id` are relied on by the server itself. */
export interface FhirResource {
  resourceType: string;
  id: string;
  [element: string]: unknown;
}

const TRAJECTORY: Record<CareTrajectoryKind, { code: string; display: string }> = {
  BASIC_GGZ: { code: 'basis-ggz', display: 'Basis-GGZ' },
  SPECIALIST_GGZ: { code: 'specialistische-ggz', display: 'Specialistische GGZ' },
  FACT: { code: 'fact', display: 'FACT (Flexible Assertive Community Treatment)' },
  CLINICAL: { code: 'klinisch', display: 'Klinische opname' },
};

/** Everything the provider holds on one patient. */
export interface PatientRecord {
  bsn: string;
  patient: FhirResource;
  episodeOfCare: FhirResource;
  careTeam: FhirResource;
  /** Only when a signaleringsplan exists. */
  carePlan?: FhirResource;
}

export function toPatientRecord(person: DemoPerson, care: CareFacts): PatientRecord {
  // Resource ids come from the provider's patient number, never from the BSN.
  const key = care.patientNumber.toLowerCase();
  const patientRef = { reference: `Patient/${key}`, display: `${person.givenName} ${person.familyName}` };
  const trajectory = TRAJECTORY[care.trajectory];
  return {
    bsn: person.bsn,
    patient: {
      resourceType: 'Patient',
      id: key,
      identifier: [
        { use: 'official', system: BSN_SYSTEM, value: person.bsn },
        { use: 'usual', system: PATIENT_NUMBER_SYSTEM, value: care.patientNumber },
      ],
      active: true,
      name: [{ use: 'official', text: `${person.givenName} ${person.familyName}`, family: person.familyName, given: [person.givenName] }],
      birthDate: person.birthDate,
      managingOrganization: ORGANISATION,
    },
    episodeOfCare: {
      resourceType: 'EpisodeOfCare',
      id: `eoc-${key}`,
      status: care.active ? 'active' : 'finished',
      type: [{ coding: [{ system: TRAJECTORY_CODE_SYSTEM, code: trajectory.code, display: trajectory.display }], text: trajectory.display }],
      patient: patientRef,
      managingOrganization: ORGANISATION,
      period: { start: care.startDate },
      careManager: { display: care.responsiblePractitioner },
    },
    careTeam: {
      resourceType: 'CareTeam',
      id: `ct-${key}`,
      status: care.active ? 'active' : 'inactive',
      name: 'Behandelteam',
      subject: patientRef,
      period: { start: care.startDate },
      participant: [{ role: [{ text: 'regiebehandelaar' }], member: { display: care.responsiblePractitioner } }],
      managingOrganization: [ORGANISATION],
    },
    carePlan: care.crisisPlan
      ? {
          resourceType: 'CarePlan',
          id: `cp-${key}`,
          status: care.active ? 'active' : 'completed',
          intent: 'plan',
          category: [{ text: 'signaleringsplan' }],
          title: 'Signaleringsplan',
          subject: patientRef,
          period: { start: care.startDate },
        }
      : undefined,
  };
}
