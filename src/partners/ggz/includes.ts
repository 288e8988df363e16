import type { FhirResource } from './resources.ts';
import type { IncludeParameter } from './search.ts';

/**
 * `_include` and `_revinclude` as FHIR R4 defines them: `_include=Source:param` adds the resources that
 * the Source resources in the result reference through `param`; `_revinclude=Source:param` adds the
 * Source resources that reference a resource in the result. Without `:iterate` only the matches count as
 * "the result"; with it, included resources do too, until nothing new is found.
 */

/** The reference search parameters the provider supports: where in the source resource the references are. */
const REFERENCE_PARAMETERS: Record<string, (resource: FhirResource) => unknown[]> = {
  'EpisodeOfCare:patient': (r) => [r.patient],
  'EpisodeOfCare:care-manager': (r) => [r.careManager],
  'CareTeam:patient': (r) => [r.subject],
  'CareTeam:subject': (r) => [r.subject],
  'CareTeam:participant': (r) => list(r.participant).map((participant) => field(participant, 'member')),
  'CarePlan:subject': (r) => [r.subject],
  'CarePlan:patient': (r) => [r.subject],
  'PractitionerRole:practitioner': (r) => [r.practitioner],
  'PractitionerRole:organization': (r) => [r.organization],
  'Patient:organization': (r) => [r.managingOrganization],
};

export const SUPPORTED_REFERENCE_PARAMETERS = Object.keys(REFERENCE_PARAMETERS);

export function isReferenceParameter(value: string): boolean {
  return Object.hasOwn(REFERENCE_PARAMETERS, value);
}

/** The resources the include parameters add to `matches`, without the matches themselves. */
export function resolveIncludes(matches: readonly FhirResource[], includes: readonly IncludeParameter[], store: Map<string, FhirResource>): FhirResource[] {
  const matchKeys = new Set(matches.map(keyOf));
  const found = new Map<string, FhirResource>();
  const add = (resource: FhirResource) => {
    const key = keyOf(resource);
    if (matchKeys.has(key) || found.has(key)) return false;
    found.set(key, resource);
    return true;
  };
  let grew = true;
  while (grew) {
    grew = false;
    for (const include of includes) {
      const [sourceType] = include.target.split(':');
      const references = REFERENCE_PARAMETERS[include.target];
      const scope = include.iterate ? [...matches, ...found.values()] : matches;
      if (include.kind === '_include') {
        for (const source of scope.filter((resource) => resource.resourceType === sourceType)) {
          for (const key of references(source).map(referenceKey)) {
            const target = key === undefined ? undefined : store.get(key);
            if (target && add(target)) grew = true;
          }
        }
      } else {
        const scopeKeys = new Set(scope.map(keyOf));
        for (const source of store.values()) {
          if (source.resourceType !== sourceType) continue;
          if (references(source).some((reference) => scopeKeys.has(referenceKey(reference) ?? '')) && add(source)) grew = true;
        }
      }
    }
  }
  return [...found.values()];
}

function keyOf(resource: FhirResource): string {
  return `${resource.resourceType}/${resource.id}`;
}

/** `Type/id` of a relative literal reference, else undefined. */
function referenceKey(reference: unknown): string | undefined {
  const value = field(reference, 'reference');
  return typeof value === 'string' && /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(value) ? value : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
