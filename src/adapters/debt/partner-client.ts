import type { AdapterConfig } from '../adapter-config.ts';
import { recordsWithBsn } from '../json-read.ts';
import { callPartner, joinUrl } from '../partner-call.ts';
import { toDebt, type Debt } from './translate.ts';

/** The debt partner system's API as the adapter calls it: one request for a whole batch of BSNs. */

/** All BSNs in one POST /api/v1/dossiers/zoeken; a BSN missing from the map has no case. */
export async function fetchDebt(config: AdapterConfig, bsns: string[]): Promise<Map<string, Debt>> {
  const dossiers = await callPartner({
    domain: 'debt',
    url: joinUrl(config.partnerUrl, '/api/v1/dossiers/zoeken'),
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ bsns }),
    timeBudgetMs: config.timeBudgetMs,
    decode: (json) => recordsWithBsn(json, 'dossiers'),
  });
  return new Map(dossiers.map((dossier) => [dossier.bsn as string, toDebt(dossier)]));
}
