/**
 * Posts one GraphQL request to an adapter, as the gateway does: JSON over HTTP, the hub token in the
 * authorization header, and a deadline so that a hanging adapter fails a check instead of the kit.
 */

export interface GraphQLErrorBody {
  message?: unknown;
  path?: unknown;
  extensions?: Record<string, unknown>;
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorBody[];
}

export interface AdapterAnswer {
  status: number;
  /** The parsed JSON body; undefined when the body is not a JSON object. */
  body: GraphQLBody | undefined;
  /** The raw body, to look for values that must never appear (a BSN). */
  text: string;
  elapsedMs: number;
}

export interface AdapterRequest {
  query: string;
  variables?: Record<string, unknown>;
  /** A bearer token; undefined sends no authorization header. */
  token?: string;
  timeoutMs: number;
}

/** Failures of the request itself; the message is safe to print (no URL parts, keys or tokens). */
export class AdapterUnreachable extends Error {}

export async function postToAdapter(url: string, request: AdapterRequest): Promise<AdapterAnswer> {
  const started = performance.now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(request.token === undefined ? {} : { authorization: `Bearer ${request.token}` }),
      },
      body: JSON.stringify({ query: request.query, variables: request.variables }),
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: 'error',
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new AdapterUnreachable(timedOut ? `no answer within ${request.timeoutMs} ms` : 'could not reach the adapter');
  }
  return { status: response.status, body: parseBody(text), text, elapsedMs: Math.round(performance.now() - started) };
}

function parseBody(text: string): GraphQLBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as GraphQLBody) : undefined;
  } catch {
    return undefined;
  }
}
