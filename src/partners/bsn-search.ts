import { isValidBsn } from '../domain/bsn.ts';
import type { DemoHousehold, DemoPerson } from '../demo/population.ts';
import { jsonResponse, type SimulatorResponse } from './simulator-server.ts';

/**
 * The search body the REST partners accept: `{"bsns": ["…", …], "velden": ["…"], "pagina": "…"}`. POST
 * only, so BSNs stay out of URLs (and out of access logs and proxies). `velden` names the partner's own
 * fields to return (absent: all of them); `pagina` is the cursor of a follow-up page. Error messages name
 * the position, never the value.
 */

/** A partner answers at most this many BSNs per search, as real partner APIs cap batch sizes. */
export const MAX_BSNS_PER_SEARCH = 500;

export interface BsnSearch {
  /** Distinct, in the order asked. */
  bsns: string[];
  /** The partner fields asked for, distinct; all of `knownVelden` when the body names none. */
  velden: string[];
  pagina?: string;
}

/** A search body, or a 400 response to send back. */
export function parseBsnSearchBody(body: string, knownVelden: readonly string[]): BsnSearch | SimulatorResponse {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return jsonResponse(400, { fout: 'invalid_json', melding: 'De body is geen geldige JSON.' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return jsonResponse(400, { fout: 'invalid_request', melding: 'De body is geen JSON-object.' });
  }
  const { bsns, velden, pagina } = value as { bsns?: unknown; velden?: unknown; pagina?: unknown };
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
  if (velden !== undefined && !Array.isArray(velden)) {
    return jsonResponse(400, { fout: 'invalid_request', melding: 'Veld "velden" is geen lijst.' });
  }
  const unknownIndex = (velden ?? []).findIndex((veld: unknown) => typeof veld !== 'string' || !knownVelden.includes(veld));
  if (unknownIndex >= 0) {
    return jsonResponse(400, { fout: 'unknown_field', melding: `velden[${unknownIndex}] is geen bekend veld.`, index: unknownIndex });
  }
  if (pagina !== undefined && typeof pagina !== 'string') {
    return jsonResponse(400, { fout: 'invalid_request', melding: 'Veld "pagina" is geen tekst.' });
  }
  return { bsns: [...new Set(bsns as string[])], velden: velden === undefined ? [...knownVelden] : [...new Set(velden as string[])], pagina };
}

/** Only the asked `velden` of a record (dotted names reach into nested objects), always with its `bsn`. */
export function pickVelden(record: { bsn: string }, velden: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = { bsn: record.bsn };
  for (const veld of velden) {
    const path = veld.split('.');
    let from: unknown = record;
    let to = picked;
    path.forEach((key, index) => {
      from = typeof from === 'object' && from !== null ? (from as Record<string, unknown>)[key] : undefined;
      if (from === undefined) return;
      if (index === path.length - 1) to[key] = from;
      else to = (to[key] ??= {}) as Record<string, unknown>;
    });
  }
  return picked;
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
