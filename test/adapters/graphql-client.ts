/** Posts GraphQL over HTTP to an adapter, as the gateway will. */

export interface GraphQLHttpResult {
  status: number;
  body: { data?: any; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
  text: string;
}

export async function postGraphQL(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLHttpResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text };
}

export function peopleByBsn(url: string, bsns: string[], field: string, selection: string): Promise<GraphQLHttpResult> {
  return postGraphQL(url, `query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn ${field} { ${selection} } } }`, { bsns });
}
