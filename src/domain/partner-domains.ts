import { readFileSync } from 'node:fs';

/** The partner domains the hub federates; each has an adapter contract in schema/domains/<domain>.graphql. */
export type Domain = 'housing' | 'debt' | 'care';
export const DOMAINS: readonly Domain[] = ['housing', 'debt', 'care'];

/** The most keys one `peopleByBsn` request may carry: adapters refuse more, the gateway splits batches. */
export const MAX_KEYS_PER_REQUEST = 200;

/** The adapter contract of a domain: an adapter serves exactly this SDL; the gateway stitches it. */
export function loadDomainSdl(domain: Domain): string {
  return readFileSync(new URL(`../../schema/domains/${domain}.graphql`, import.meta.url), 'utf8');
}
