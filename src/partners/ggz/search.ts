/**
 * Parses a FHIR `Patient/_search` POST body (application/x-www-form-urlencoded). Supports the subset the
 * hub uses: `identifier` (token `system|value`, comma = OR, repeated = AND) and repeatable `_revinclude`.
 * Strict handling: an unknown parameter is an error rather than silently ignored, because ignoring a
 * filter would return more people than asked for.
 */

export type RevInclude = 'EpisodeOfCare:patient' | 'CareTeam:patient' | 'CarePlan:subject';
const SUPPORTED_REVINCLUDES: readonly string[] = ['EpisodeOfCare:patient', 'CareTeam:patient', 'CarePlan:subject'];

export interface IdentifierToken {
  /** `undefined`: any system (no `|`); `''`: no system (`|value`). */
  system: string | undefined;
  value: string;
}

export interface PatientSearch {
  /** Each inner list is one `identifier` parameter (OR); the outer list is AND. */
  identifiers: IdentifierToken[][];
  revIncludes: Set<RevInclude>;
}

export class SearchError extends Error {
  constructor(
    message: string,
    readonly issueCode: 'invalid' | 'not-supported' | 'required',
  ) {
    super(message);
  }
}

export function parsePatientSearch(body: string): PatientSearch {
  const params = new URLSearchParams(body);
  const identifiers: IdentifierToken[][] = [];
  const revIncludes = new Set<RevInclude>();
  for (const [name, value] of params) {
    if (name === 'identifier') identifiers.push(value.split(',').map(parseToken));
    else if (name === '_revinclude') {
      if (!SUPPORTED_REVINCLUDES.includes(value)) throw new SearchError(`_revinclude value not supported`, 'not-supported');
      revIncludes.add(value as RevInclude);
    } else {
      // The parameter name is safe to echo; its value might be a BSN.
      throw new SearchError(`Unknown search parameter: ${name.slice(0, 40)}`, 'not-supported');
    }
  }
  if (identifiers.length === 0) throw new SearchError('The identifier parameter is required', 'required');
  return { identifiers, revIncludes };
}

function parseToken(raw: string): IdentifierToken {
  const bar = raw.indexOf('|');
  const token = bar < 0 ? { system: undefined, value: raw } : { system: raw.slice(0, bar), value: raw.slice(bar + 1) };
  if (token.value === '') throw new SearchError('An identifier token has no value', 'invalid');
  return token;
}

/** True when the patient's identifiers satisfy every `identifier` parameter. */
export function matchesIdentifiers(patientIdentifiers: readonly { system: string; value: string }[], search: PatientSearch): boolean {
  return search.identifiers.every((anyOf) =>
    anyOf.some((token) => patientIdentifiers.some((id) => id.value === token.value && (token.system === undefined || token.system === id.system))),
  );
}
