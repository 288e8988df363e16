import type { AdapterConfig } from '../adapter-config.ts';
import { callPartner, joinUrl } from '../partner-call.ts';
import { BSN_SYSTEM, careFromBundle, type Care } from './translate.ts';

/** The care partner system's API as the adapter calls it: one request for a whole batch of BSNs. */

/** The rev-included resources the mapping needs, nothing more (data minimisation). */
const REVINCLUDES = ['EpisodeOfCare:patient', 'CareTeam:patient', 'CarePlan:subject'];

/** The form body of one Patient/_search for all BSNs: comma-separated identifiers are OR-ed. */
export function patientSearchBody(bsns: readonly string[]): string {
  const params = new URLSearchParams();
  params.set('identifier', bsns.map((bsn) => `${BSN_SYSTEM}|${bsn}`).join(','));
  for (const revinclude of REVINCLUDES) params.append('_revinclude', revinclude);
  return params.toString();
}

/** All BSNs in one POST [base]/Patient/_search; a BSN missing from the map is not a known patient. */
export function fetchCare(config: AdapterConfig, bsns: string[]): Promise<Map<string, Care>> {
  return callPartner({
    domain: 'care',
    url: joinUrl(config.partnerUrl, 'Patient/_search'),
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/fhir+json' },
    body: patientSearchBody(bsns),
    timeBudgetMs: config.timeBudgetMs,
    decode: careFromBundle,
  });
}
