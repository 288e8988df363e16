import { isValidBsn } from '../domain/bsn.ts';
import type { DemoHousehold, DemoPerson } from '../demo/population.ts';
import { jsonResponse, type SimulatorResponse } from './simulator-server.ts';

/**
 * The search body the REST partners accept: `{"bsns": ["…", …]}`. POST only, so BSNs stay out of URLs
 * (and out of access logs and proxies). Error messages name the position, never the value.
 */

/** A partner answers at most this many BSNs per search, as real partner APIs cap batch sizes. */
export const MAX_BSNS_PER_SEARCH = 500;

/** The distinct BSNs of a search body, or a 400 response to send back. */
export function parseBsnSearchBody(body: string): string[] | SimulatorResponse {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return jsonResponse(400, { fout: 'invalid_json', melding: 'De body is geen geldige JSON.' });
  }
  const bsns = typeof value === 'object' && value !== null ? (value as { bsns?: unknown }).bsns : undefined;
  if (!Array.isArray(bsns)) {
    return jsonResponse(400, { fout: 'invalid_request', melding: 'Veld "bsns" ontbreekt of is geen lijst.' });
  }
  if (bsns.length > MAX_BSNS_PER_SEARCH) {
    return jsonResponse(400, { fout: 'invalid_request', melding: `Maximaal ${MAX_BSNS_PER_SEARCH} BSN's per zoekvraag.` });
  }
  const badIndex = bsns.findIndex((bsn) => typeof bsn !== 'string' || !isValidBsn(bsn));
  if (badIndex >= 0) {
    return jsonResponse(400, { fout: 'invalid_bsn', melding: `bsns[${badIndex}] is geen geldig BSN.`, index: badIndex });
  }
  return [...new Set(bsns as string[])];
}

/** Everyone in the households, keyed by BSN, for the people that `pick` finds facts for. */
export function indexPeople<T>(households: readonly DemoHousehold[], pick: (person: DemoPerson) => T | undefined): Map<string, T> {
  const index = new Map<string, T>();
  for (const person of households.flatMap((household) => household.members)) {
    const record = pick(person);
    if (record !== undefined) index.set(person.bsn, record);
  }
  return index;
}

/**
 * The known records for the requested BSNs, in the partner's own order rather than the request's,
 * as real partners do: callers must not rely on the order.
 */
export function selectKnown<T>(index: Map<string, T>, bsns: readonly string[]): T[] {
  const wanted = new Set(bsns);
  return [...index].filter(([bsn]) => wanted.has(bsn)).map(([, record]) => record);
}
