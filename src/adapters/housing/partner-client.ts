import type { AdapterConfig } from '../adapter-config.ts';
import { partnerFieldsFor } from '../field-selection.ts';
import { isObject, recordsWithBsn } from '../json-read.ts';
import { callPartnerPaged, joinUrl, PartnerPayloadError, type PartnerHttpRequest, type PartnerPage } from '../partner-call.ts';
import { HOUSING_FIELDS, toHousing, type Housing } from './translate.ts';

/**
 * The housing partner system's API as the adapter calls it: one logical search for a whole batch of BSNs,
 * asking only for the `velden` behind the requested contract fields, following the corporation's pages.
 */

/**
 * All BSNs in one POST /api/v1/huurders/zoeken (plus one request per further page); a BSN missing from
 * the map is not a tenant. `fields`: the requested `Housing` fields; the corporation is asked for nothing else.
 * `signal`: the caller's time budget, when it has one running (the SDK's `call.signal`).
 */
export async function fetchHousing(config: AdapterConfig, bsns: string[], fields: readonly string[], signal?: AbortSignal): Promise<Map<string, Housing>> {
  // The search is serialised once; a follow-up page repeats it with the corporation's cursor spliced in
  // (the same bytes as JSON.stringify({ ...search, pagina })): all in the body, none in the URL.
  const search = JSON.stringify({ bsns, velden: partnerFieldsFor(HOUSING_FIELDS, fields) });
  const url = joinUrl(config.partnerUrl, '/api/v1/huurders/zoeken');
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  const request = (pagina?: string): PartnerHttpRequest => ({
    url,
    headers,
    body: pagina === undefined ? search : `${search.slice(0, -1)},"pagina":${JSON.stringify(pagina)}}`,
  });
  const huurders = await callPartnerPaged({
    domain: 'housing',
    timeBudgetMs: config.timeBudgetMs,
    signal,
    first: request(),
    decodePage: (json): PartnerPage<Record<string, unknown>> => {
      const next = isObject(json) ? json.volgendePagina : undefined;
      if (next !== undefined && next !== null && typeof next !== 'string') throw new PartnerPayloadError('"volgendePagina" is not a cursor');
      return { items: recordsWithBsn(json, 'huurders'), next: typeof next === 'string' ? request(next) : undefined };
    },
  });
  return new Map(huurders.map((huurder) => [huurder.bsn as string, toHousing(huurder)]));
}
