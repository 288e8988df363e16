import type { AdapterConfig } from '../adapter-config.ts';
import { partnerFieldsFor } from '../field-selection.ts';
import type { JsonObject } from '../json-read.ts';
import { callPartnerPaged, joinUrl, sameOriginLink, type PartnerPage } from '../partner-call.ts';
import { BSN_SYSTEM, CARE_FIELDS, careFromResources, searchsetPage, type Care } from './translate.ts';

/**
 * The GGZ provider's FHIR R4 server as the adapter calls it: one Patient search for a whole batch of
 * BSNs, including only the resources the requested fields are read from, following `next` pages.
 */

/** Matches per page the adapter asks for; the server may page smaller. */
export const PATIENTS_PER_PAGE = 100;

/**
 * The form body of one Patient/_search for all BSNs: comma-separated identifiers are OR-ed. Of the
 * Patient only its identifiers are asked for (`_elements`): the BSN is how results are matched.
 * `fields` absent: what every `Care` field needs.
 */
export function patientSearchBody(bsns: readonly string[], fields?: readonly string[]): string {
  const params = new URLSearchParams();
  params.set('identifier', bsns.map((bsn) => `${BSN_SYSTEM}|${bsn}`).join(','));
  params.set('_count', String(PATIENTS_PER_PAGE));
  params.set('_elements', 'identifier');
  for (const parameter of partnerFieldsFor(CARE_FIELDS, fields)) {
    const [name, value] = parameter.split('=');
    params.append(name, value);
  }
  return params.toString();
}

/**
 * All BSNs in one POST [base]/Patient/_search (plus a GET per further page); a BSN missing from the map
 * is not a known patient. `fields`: the requested `Care` fields; only their resources are included.
 * `signal`: the caller's time budget, when it has one running (the SDK's `call.signal`).
 */
export async function fetchCare(config: AdapterConfig, bsns: string[], fields: readonly string[], signal?: AbortSignal): Promise<Map<string, Care>> {
  const accept = { accept: 'application/fhir+json' };
  const resources = await callPartnerPaged({
    domain: 'care',
    timeBudgetMs: config.timeBudgetMs,
    signal,
    first: {
      url: joinUrl(config.partnerUrl, 'Patient/_search'),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...accept },
      body: patientSearchBody(bsns, fields),
    },
    decodePage: (json): PartnerPage<JsonObject> => {
      const page = searchsetPage(json);
      return { items: page.resources, next: page.next === undefined ? undefined : { url: sameOriginLink(page.next, config.partnerUrl), method: 'GET', headers: accept } };
    },
  });
  return careFromResources(resources);
}
