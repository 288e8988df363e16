import { readFileSync } from 'node:fs';

/** The adapter contracts in schema/domains/: an adapter serves exactly this SDL, read from the file. */
export type DomainName = 'housing' | 'debt' | 'care';

export function loadDomainSdl(domain: DomainName): string {
  return readFileSync(new URL(`../../schema/domains/${domain}.graphql`, import.meta.url), 'utf8');
}
