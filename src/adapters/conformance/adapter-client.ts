/**
 * Posts one GraphQL request to an adapter, as the gateway does: JSON over HTTP, the hub token (signed
 * for the exact body bytes) in the authorization header, and a deadline so that a hanging adapter
 * fails a check instead of the kit.
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

/** Signs a token for the exact body bytes about to be sent; `undefined` sends no authorization header. */
export type TokenForBody = (body: Uint8Array) => Promise<string | undefined> | string | undefined;

export interface AdapterRequest {
  query: string;
  variables?: Record<string, unknown>;
  /** A bearer token, or how to sign one for the body; undefined sends no authorization header. */
  token?: string | TokenForBody;
  /** Send these bytes instead of the JSON of query and variables (a body the token was not signed for). */
  body?: Uint8Array;
  timeoutMs: number;
}

/** The body the gateway sends for a query: JSON of query and variables, as UTF-8 bytes. */
export function requestBody(query: string, variables?: Record<string, unknown>): Uint8Array {
  return Buffer.from(JSON.stringify({ query, variables }), 'utf8');
}

/** Failures of the request itself; the message is safe to print (no URL parts, keys or tokens). */
export class AdapterUnreachable extends Error {}

export async function postToAdapter(url: string, request: AdapterRequest): Promise<AdapterAnswer> {
  const body = request.body ?? requestBody(request.query, request.variables);
  const token = typeof request.token === 'function' ? await request.token(body) : request.token;
  const started = performance.now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body,
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
