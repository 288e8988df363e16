import type { AdapterConfig } from '../adapter-config.ts';
import { partnerFieldsFor } from '../field-selection.ts';
import { recordsWithBsn } from '../json-read.ts';
import { callPartner, joinUrl } from '../partner-call.ts';
import { DEBT_FIELDS, toDebt, type Debt } from './translate.ts';

/**
 * The debt partner system's API as the adapter calls it: one request for a whole batch of BSNs, asking
 * only for the `velden` behind the requested contract fields, authenticated with the adapter's API key.
 */

/**
 * All BSNs in one POST /api/v1/dossiers/zoeken; a BSN missing from the map has no case.
 * `fields`: the requested `Debt` fields; debt relief is asked for nothing else. `signal`: the caller's time
 * budget, when it has one running (the SDK's `call.signal`).
 */
export async function fetchDebt(config: AdapterConfig, bsns: string[], fields: readonly string[], signal?: AbortSignal): Promise<Map<string, Debt>> {
  const dossiers = await callPartner({
    domain: 'debt',
    url: joinUrl(config.partnerUrl, '/api/v1/dossiers/zoeken'),
    // Without a configured key the partner refuses (401), which surfaces as SOURCE_UNAVAILABLE.
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(config.apiKey ? { 'x-api-key': config.apiKey } : {}) },
    body: JSON.stringify({ bsns, velden: partnerFieldsFor(DEBT_FIELDS, fields) }),
    timeBudgetMs: config.timeBudgetMs,
    signal,
    decode: (json) => recordsWithBsn(json, 'dossiers'),
  });
  return new Map(dossiers.map((dossier) => [dossier.bsn as string, toDebt(dossier)]));
}
