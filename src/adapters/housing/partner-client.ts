import type { AdapterConfig } from '../adapter-config.ts';
import { recordsWithBsn } from '../json-read.ts';
import { callPartner, joinUrl } from '../partner-call.ts';
import { toHousing, type Housing } from './translate.ts';

/** The housing partner system's API as the adapter calls it: one request for a whole batch of BSNs. */

/** All BSNs in one POST /api/v1/huurders/zoeken; a BSN missing from the map is not a tenant. */
export async function fetchHousing(config: AdapterConfig, bsns: string[]): Promise<Map<string, Housing>> {
  const huurders = await callPartner({
    domain: 'housing',
    url: joinUrl(config.partnerUrl, '/api/v1/huurders/zoeken'),
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ bsns }),
    timeBudgetMs: config.timeBudgetMs,
    decode: (json) => recordsWithBsn(json, 'huurders'),
  });
  return new Map(huurders.map((huurder) => [huurder.bsn as string, toHousing(huurder)]));
}
