import { isObject, str, type JsonObject } from '../json-read.ts';
import { PartnerPayloadError } from '../partner-call.ts';

/**
 * Reads a FHIR R4 searchset Bundle (Patients with rev-included EpisodeOfCare, CareTeam and CarePlan) into
 * the hub's `Care` contract, per BSN. FHIR servers add elements, extensions and resource types freely, so
 * anything not needed is ignored; only a body that is not a Bundle (or is paged) fails the call.
 */

export const BSN_SYSTEM = 'http://fhir.nl/fhir/NamingSystem/bsn';
/** The GGZ provider's own code system for trajectory kinds (agreed with the provider). */
export const TRAJECTORY_CODE_SYSTEM = 'https://ggz-de-horizon.example.nl/fhir/CodeSystem/trajectsoort';

export type CareTrajectoryKind = 'BASIC_GGZ' | 'SPECIALIST_GGZ' | 'FACT' | 'CLINICAL';

export interface Care {
  inCare: boolean;
  trajectoryKind: CareTrajectoryKind | null;
  responsiblePractitioner: string | null;
  crisisPlanPresent: boolean;
}

const TRAJECTORY: Record<string, CareTrajectoryKind> = {
  'basis-ggz': 'BASIC_GGZ',
  'specialistische-ggz': 'SPECIALIST_GGZ',
  fact: 'FACT',
  klinisch: 'CLINICAL',
};

interface PatientResources {
  episodes: JsonObject[];
  careTeams: JsonObject[];
  carePlans: JsonObject[];
}

export function careFromBundle(bundle: unknown): Map<string, Care> {
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle') throw new PartnerPayloadError('not a Bundle');
  if (Array.isArray(bundle.link) && bundle.link.some((link) => isObject(link) && link.relation === 'next')) {
    // A partial page would make people look unknown; better no answer than a wrong one.
    throw new PartnerPayloadError('paged Bundle');
  }
  const resources = (Array.isArray(bundle.entry) ? bundle.entry : [])
    .map((entry) => (isObject(entry) && isObject(entry.resource) ? entry.resource : undefined))
    .filter((resource): resource is JsonObject => resource !== undefined && resource.status !== 'entered-in-error');

  // Patient/<id> → BSN, then everything else hangs off that reference.
  const bsnByPatient = new Map<string, string>();
  for (const patient of resources.filter((resource) => resource.resourceType === 'Patient')) {
    const bsn = bsnOf(patient);
    if (bsn !== null && typeof patient.id === 'string') bsnByPatient.set(`Patient/${patient.id}`, bsn);
  }
  const byBsn = new Map<string, PatientResources>();
  for (const bsn of bsnByPatient.values()) byBsn.set(bsn, { episodes: [], careTeams: [], carePlans: [] });

  const attach = (resource: JsonObject, reference: unknown, list: keyof PatientResources) => {
    const key = patientKey(reference);
    const bsn = key === null ? undefined : bsnByPatient.get(key);
    if (bsn !== undefined) byBsn.get(bsn)![list].push(resource);
  };
  for (const resource of resources) {
    if (resource.resourceType === 'EpisodeOfCare') attach(resource, resource.patient, 'episodes');
    else if (resource.resourceType === 'CareTeam') attach(resource, resource.subject, 'careTeams');
    else if (resource.resourceType === 'CarePlan') attach(resource, resource.subject, 'carePlans');
    // Any other resource type (Provenance, OperationOutcome, …) is not needed: ignore it.
  }

  return new Map([...byBsn].map(([bsn, found]) => [bsn, toCare(found)]));
}

function toCare({ episodes, careTeams, carePlans }: PatientResources): Care {
  const activeEpisodes = episodes.filter((episode) => episode.status === 'active');
  // The current trajectory; without one, the most recent one.
  const episode = latest(activeEpisodes.length > 0 ? activeEpisodes : episodes);
  return {
    inCare: activeEpisodes.length > 0,
    trajectoryKind: episode ? trajectoryKind(episode) : null,
    responsiblePractitioner: responsiblePractitioner(careTeams),
    crisisPlanPresent: carePlans.some((plan) => plan.status !== 'revoked' && concepts(plan.category).includes('signaleringsplan')),
  };
}

function bsnOf(patient: JsonObject): string | null {
  const identifiers = Array.isArray(patient.identifier) ? patient.identifier : [];
  const bsn = identifiers.find((identifier) => isObject(identifier) && identifier.system === BSN_SYSTEM);
  return isObject(bsn) ? str(bsn.value) : null;
}

/** `Patient/<id>` from a relative or absolute reference (optionally versioned), else null. */
function patientKey(reference: unknown): string | null {
  const value = isObject(reference) ? str(reference.reference) : null;
  const match = value?.match(/(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/);
  return match ? `Patient/${match[1]}` : null;
}

function latest(episodes: JsonObject[]): JsonObject | undefined {
  const start = (episode: JsonObject) => (isObject(episode.period) ? (str(episode.period.start) ?? '') : '');
  return [...episodes].sort((a, b) => start(b).localeCompare(start(a)))[0];
}

function trajectoryKind(episode: JsonObject): CareTrajectoryKind | null {
  for (const type of Array.isArray(episode.type) ? episode.type : []) {
    for (const coding of isObject(type) && Array.isArray(type.coding) ? type.coding : []) {
      if (isObject(coding) && coding.system === TRAJECTORY_CODE_SYSTEM && typeof coding.code === 'string' && Object.hasOwn(TRAJECTORY, coding.code)) {
        return TRAJECTORY[coding.code];
      }
    }
  }
  return null;
}

/** The regiebehandelaar of the active care team, else of any care team. */
function responsiblePractitioner(careTeams: JsonObject[]): string | null {
  const ordered = [...careTeams.filter((team) => team.status === 'active'), ...careTeams.filter((team) => team.status !== 'active')];
  for (const team of ordered) {
    for (const participant of Array.isArray(team.participant) ? team.participant : []) {
      if (!isObject(participant) || !concepts(participant.role).includes('regiebehandelaar')) continue;
      const display = isObject(participant.member) ? str(participant.member.display) : null;
      if (display) return display;
    }
  }
  return null;
}

/** Lower-cased texts, codes and displays of a list of CodeableConcepts. */
function concepts(value: unknown): string[] {
  const out: string[] = [];
  for (const concept of Array.isArray(value) ? value : []) {
    if (!isObject(concept)) continue;
    if (typeof concept.text === 'string') out.push(concept.text.trim().toLowerCase());
    for (const coding of Array.isArray(concept.coding) ? concept.coding : []) {
      if (!isObject(coding)) continue;
      if (typeof coding.code === 'string') out.push(coding.code.trim().toLowerCase());
      if (typeof coding.display === 'string') out.push(coding.display.trim().toLowerCase());
    }
  }
  return out;
}
