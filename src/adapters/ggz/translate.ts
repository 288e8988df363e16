import type { PartnerFieldMap } from '../field-selection.ts';
import { isObject, str, type JsonObject } from '../json-read.ts';
import { PartnerPayloadError } from '../partner-call.ts';

/**
 * Reads FHIR R4 searchset Bundles (Patients with EpisodeOfCare, CareTeam, PractitionerRole, Practitioner
 * and CarePlan included) into the hub's `Care` contract, per BSN. FHIR servers add elements, extensions
 * and resource types freely, so anything not needed is ignored; only a body that is not a Bundle, or
 * whose entries are not a list, fails the call.
 */

export const BSN_SYSTEM = 'http://fhir.nl/fhir/NamingSystem/bsn';
/** The GGZ provider's own code system for trajectory kinds (agreed with the provider). */
export const TRAJECTORY_CODE_SYSTEM = 'https://ggz-de-horizon.example.nl/fhir/CodeSystem/trajectsoort';

/**
 * Contract field → the search parameters that bring the resources it is read from. A field not asked
 * for brings nothing: no care teams or practitioners unless `responsiblePractitioner` is wanted.
 */
export const CARE_FIELDS: PartnerFieldMap = {
  inCare: ['_revinclude=EpisodeOfCare:patient'],
  trajectoryKind: ['_revinclude=EpisodeOfCare:patient'],
  responsiblePractitioner: ['_revinclude=CareTeam:patient', '_include:iterate=CareTeam:participant', '_include:iterate=PractitionerRole:practitioner'],
  crisisPlanPresent: ['_revinclude=CarePlan:subject'],
};
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

/** One page of a searchset: its resources, and the link to the next page when there is one. */
export function searchsetPage(bundle: unknown): { resources: JsonObject[]; next: string | undefined } {
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle') throw new PartnerPayloadError('not a Bundle');
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry)) throw new PartnerPayloadError('Bundle.entry is not a list');
  const links = Array.isArray(bundle.link) ? bundle.link : [];
  const next = links.find((link) => isObject(link) && link.relation === 'next');
  const resources = (bundle.entry ?? []).map((entry: unknown) => (isObject(entry) && isObject(entry.resource) ? entry.resource : undefined));
  return { resources: resources.filter((resource: JsonObject | undefined): resource is JsonObject => resource !== undefined), next: isObject(next) ? (str(next.url) ?? undefined) : undefined };
}

/** The care facts per BSN from the resources of all pages of one search. */
export function careFromResources(all: readonly JsonObject[]): Map<string, Care> {
  // Pages repeat shared resources (a practitioner of patients on two pages): index by Type/id.
  const byKey = new Map<string, JsonObject>();
  for (const resource of all) {
    if (resource.status === 'entered-in-error' || typeof resource.resourceType !== 'string' || typeof resource.id !== 'string') continue;
    byKey.set(`${resource.resourceType}/${resource.id}`, resource);
  }
  const resources = [...byKey.values()];
  const resolve = (reference: unknown) => {
    const key = referenceKey(reference);
    return key === null ? undefined : byKey.get(key);
  };

  // Patient/<id> → BSN, then everything else hangs off that reference.
  const bsnByPatient = new Map<string, string>();
  for (const patient of resources.filter((resource) => resource.resourceType === 'Patient')) {
    const bsn = bsnOf(patient);
    if (bsn !== null) bsnByPatient.set(`Patient/${patient.id}`, bsn);
  }
  const byBsn = new Map<string, PatientResources>();
  for (const bsn of bsnByPatient.values()) byBsn.set(bsn, { episodes: [], careTeams: [], carePlans: [] });

  const attach = (resource: JsonObject, reference: unknown, list: keyof PatientResources) => {
    const key = referenceKey(reference);
    const bsn = key === null ? undefined : bsnByPatient.get(key);
    if (bsn !== undefined) byBsn.get(bsn)![list].push(resource);
  };
  for (const resource of resources) {
    if (resource.resourceType === 'EpisodeOfCare') attach(resource, resource.patient, 'episodes');
    else if (resource.resourceType === 'CareTeam') attach(resource, resource.subject, 'careTeams');
    else if (resource.resourceType === 'CarePlan') attach(resource, resource.subject, 'carePlans');
    // Practitioner(Role)s are reached through care teams; any other type (Provenance, …) is not needed.
  }

  return new Map([...byBsn].map(([bsn, found]) => [bsn, toCare(found, resolve)]));
}

type Resolve = (reference: unknown) => JsonObject | undefined;

function toCare({ episodes, careTeams, carePlans }: PatientResources, resolve: Resolve): Care {
  const activeEpisodes = episodes.filter((episode) => episode.status === 'active');
  // The current trajectory; without one, the most recent one.
  const episode = latest(activeEpisodes.length > 0 ? activeEpisodes : episodes);
  return {
    inCare: activeEpisodes.length > 0,
    trajectoryKind: episode ? trajectoryKind(episode) : null,
    responsiblePractitioner: responsiblePractitioner(careTeams, resolve),
    crisisPlanPresent: carePlans.some((plan) => plan.status !== 'revoked' && concepts(plan.category).includes('signaleringsplan')),
  };
}

function bsnOf(patient: JsonObject): string | null {
  const identifiers = Array.isArray(patient.identifier) ? patient.identifier : [];
  const bsn = identifiers.find((identifier) => isObject(identifier) && identifier.system === BSN_SYSTEM);
  return isObject(bsn) ? str(bsn.value) : null;
}

/** `Type/<id>` from a relative or absolute reference (optionally versioned), else null. */
function referenceKey(reference: unknown): string | null {
  const value = isObject(reference) ? str(reference.reference) : null;
  const match = value?.match(/(?:^|\/)([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/);
  return match ? `${match[1]}/${match[2]}` : null;
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

/**
 * The regiebehandelaar of the active care team, else of any care team: the participant whose role (on
 * the team, or its PractitionerRole's code) says so, named from its Practitioner, with the role's
 * discipline, e.g. "drs. M. Verhoeven (GZ-psycholoog)". Without the included resources, the display
 * texts of the references are used.
 */
function responsiblePractitioner(careTeams: JsonObject[], resolve: Resolve): string | null {
  const ordered = [...careTeams.filter((team) => team.status === 'active'), ...careTeams.filter((team) => team.status !== 'active')];
  for (const team of ordered) {
    for (const participant of Array.isArray(team.participant) ? team.participant : []) {
      if (!isObject(participant)) continue;
      const member = resolve(participant.member);
      const role = member?.resourceType === 'PractitionerRole' ? member : undefined;
      if (![...concepts(participant.role), ...concepts(role?.code)].includes('regiebehandelaar')) continue;
      const practitioner = role ? resolve(role.practitioner) : member?.resourceType === 'Practitioner' ? member : undefined;
      const name = humanName(practitioner?.name) ?? displayOf(role?.practitioner) ?? displayOf(participant.member);
      if (!name) continue;
      const discipline = role ? conceptText(role.specialty) : null;
      return discipline ? `${name} (${discipline})` : name;
    }
  }
  return null;
}

/** The official (else first) HumanName as text: its `text`, or prefix, given names and family name. */
function humanName(names: unknown): string | null {
  const list = (Array.isArray(names) ? names : []).filter(isObject);
  const name = list.find((candidate) => candidate.use === 'official') ?? list[0];
  if (!name) return null;
  const text = str(name.text)?.trim();
  if (text) return text;
  const parts = [name.prefix, name.given].flatMap((part) => (Array.isArray(part) ? part : [])).concat(name.family);
  const joined = parts.filter((part): part is string => typeof part === 'string' && part.trim() !== '').join(' ');
  return joined || null;
}

function displayOf(reference: unknown): string | null {
  return isObject(reference) ? str(reference.display) : null;
}

/** The text of the first CodeableConcept in a list: its `text`, else its first coding's display. */
function conceptText(value: unknown): string | null {
  const concept = (Array.isArray(value) ? value : []).find(isObject);
  if (!concept) return null;
  const coding = (Array.isArray(concept.coding) ? concept.coding : []).find(isObject);
  return str(concept.text) ?? (coding ? str(coding.display) : null);
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
