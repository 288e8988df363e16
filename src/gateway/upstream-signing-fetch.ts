import { parse, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { AsyncFetchFn } from '@graphql-tools/executor-http';
import { signUpstreamToken } from '../auth/upstream-token.ts';
import { contentDigest } from '../auth/request-digest.ts';
import { selectedCoordinates } from '../selection/selected-fields.ts';
import type { RequestContext } from '../request/request-context.ts';

/**
 * The `fetch` the gateway gives executor-http for one adapter. It sees the body exactly as it goes on
 * the wire, so it signs the hub token there: for this adapter, this professional and purpose, the
 * fields the body's query selects, and the SHA-256 of these very bytes (src/auth/request-digest.ts).
 * It also sets the W3C traceparent, so the adapter logs under the hub's trace.
 *
 * Only a JSON POST body is signed; anything else (a GET with the query in the URL, a multipart upload)
 * is refused before it leaves the gateway.
 */
export function createSigningFetch(domain: string, contract: GraphQLSchema): AsyncFetchFn {
  // The gateway prints the same few query texts again and again (one per distinct set of allowed
  // fields), so the fields each selects are worked out once per text, not parsed again per call.
  const fieldsOf = new LRUCache<string, readonly string[]>({ max: 1_000 });
  const fieldsSelectedBy = (query: string) => {
    let fields = fieldsOf.get(query);
    if (!fields) {
      fields = Object.freeze(selectedCoordinates(contract, parse(query)));
      fieldsOf.set(query, fields);
    }
    return fields;
  };
  return async (url, init = {}, context) => {
    const request = context as RequestContext | undefined;
    if (!request?.caller || !request.hubKey) throw new UnsignableRequest('no caller to sign for');
    if (init.method !== 'POST' || typeof init.body !== 'string') throw new UnsignableRequest('only a JSON POST body can be signed');
    const body = Buffer.from(init.body, 'utf8');
    const token = await signUpstreamToken(request.hubKey, {
      domain,
      professional: request.caller.subject,
      organisationId: request.caller.organisationId,
      roles: request.caller.roles,
      purpose: request.caller.purpose,
      fields: fieldsSelectedBy(queryOf(init.body)),
      processingActivityId: request.processingActivityId,
      contentDigest: contentDigest(body),
    });
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    headers.set('traceparent', `00-${request.traceId}-${request.spanId}-01`);
    // Send the very bytes that were hashed, not the string again.
    return fetch(url, { ...init, headers, body });
  };
}

/** A request the gateway will not sign; the executor reports the source as unavailable. */
export class UnsignableRequest extends Error {}

function queryOf(body: string): string {
  const { query } = JSON.parse(body) as { query?: unknown };
  if (typeof query !== 'string') throw new UnsignableRequest('the body has no query');
  return query;
}
