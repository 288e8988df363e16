/**
 * Parses a FHIR `Patient/_search` POST body (application/x-www-form-urlencoded). Supports the subset the
 * hub uses: `identifier` (token `system|value`, comma = OR, repeated = AND), `_count`, `_elements`, and
 * repeatable `_include` / `_revinclude` (each optionally `:iterate`). Strict handling: an unknown
 * parameter is an error rather than silently ignored, because ignoring a filter would return more people
 * than asked for.
 */

import { isReferenceParameter } from './includes.ts';

export interface IdentifierToken {
  /** `undefined`: any system (no `|`); `''`: no system (`|value`). */
  system: string | undefined;
  value: string;
}

export interface IncludeParameter {
  kind: '_include' | '_revinclude';
  /** `:iterate`: also follow references of included resources, not only of the matches. */
  iterate: boolean;
  /** `SourceType:searchParameter`, e.g. `EpisodeOfCare:patient`. */
  target: string;
}

export interface PatientSearch {
  /** Each inner list is one `identifier` parameter (OR); the outer list is AND. */
  identifiers: IdentifierToken[][];
  /** Matches per page the client asked for. */
  count?: number;
  /** Patient elements to return (`_elements`); absent: the whole Patient. */
  elements?: string[];
  includes: IncludeParameter[];
}

export class SearchError extends Error {
  constructor(
    message: string,
    readonly issueCode: 'invalid' | 'not-supported' | 'required',
  ) {
    super(message);
  }
}

const INCLUDE_NAME = /^(_include|_revinclude)(:iterate)?$/;
const ELEMENT_NAME = /^[a-z][A-Za-z0-9]{0,63}$/;

export function parsePatientSearch(body: string): PatientSearch {
  const params = new URLSearchParams(body);
  const search: PatientSearch = { identifiers: [], includes: [] };
  for (const [name, value] of params) {
    const include = INCLUDE_NAME.exec(name);
    if (name === 'identifier') search.identifiers.push(value.split(',').map(parseToken));
    else if (include) {
      if (!isReferenceParameter(value)) throw new SearchError(`${include[1]} value not supported`, 'not-supported');
      search.includes.push({ kind: include[1] as IncludeParameter['kind'], iterate: include[2] !== undefined, target: value });
    } else if (name === '_count') {
      if (!/^[1-9]\d{0,3}$/.test(value)) throw new SearchError('_count must be a positive integer', 'invalid');
      search.count = Number(value);
    } else if (name === '_elements') {
      const elements = value.split(',').map((element) => element.trim());
      if (!elements.every((element) => ELEMENT_NAME.test(element))) throw new SearchError('_elements must list element names', 'invalid');
      search.elements = [...new Set([...(search.elements ?? []), ...elements])];
    } else {
      // The parameter name is safe to echo; its value might be a BSN.
      throw new SearchError(`Unknown search parameter: ${name.slice(0, 40)}`, 'not-supported');
    }
  }
  if (search.identifiers.length === 0) throw new SearchError('The identifier parameter is required', 'required');
  return search;
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

/** What the search asked the provider to release, as search parameters (for the simulator's request log). */
export function askedFields(search: PatientSearch): string[] {
  return [
    ...(search.elements ?? ['*']).map((element) => `_elements=${element}`),
    ...search.includes.map((include) => `${include.kind}${include.iterate ? ':iterate' : ''}=${include.target}`),
  ];
}
