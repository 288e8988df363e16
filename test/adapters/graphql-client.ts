import type { TestHubKeys } from './hub-tokens.ts';
import { requestBody } from '../../src/adapters/conformance/adapter-client.ts';

/** Posts GraphQL over HTTP to an adapter, as the gateway does. */

export interface GraphQLHttpResult {
  status: number;
  body: { data?: any; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
  text: string;
}

export async function postGraphQL(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLHttpResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    // The same bytes the test hub tokens are signed for (hub-tokens.ts).
    body: requestBody(query, variables),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text };
}

export function peopleByBsnQuery(field: string, selection: string): string {
  return `query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn ${field} { ${selection} } } }`;
}

/** `peopleByBsn` with a fresh hub token for exactly this query, as the gateway sends it (built-in adapters: field = domain). */
export async function peopleByBsn(hub: TestHubKeys, url: string, bsns: string[], domain: string, selection: string): Promise<GraphQLHttpResult> {
  const query = peopleByBsnQuery(domain, selection);
  return postGraphQL(url, query, { bsns }, await hub.headersFor(domain, query, { bsns }));
}
