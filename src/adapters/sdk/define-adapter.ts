import type { Logger } from '../../observability/logger.ts';

/**
 * What a partner writes to connect its system: the contract fragment it serves and one batch function.
 * Everything else (HTTP, hub tokens, batching, validation, time budget, errors, logs) is the SDK's.
 */
export interface AdapterDefinition<R> {
  /** The service name in logs and the processing log, e.g. 'housing-adapter'. */
  name: string;
  /** The contract domain, e.g. 'housing': the token audience is `ontschot-adapter:<domain>`. */
  domain: string;
  /** The schema fragment served: exactly the contract file schema/domains/<domain>.graphql. */
  contractSdl: string;
  /** The Person field this adapter adds, e.g. 'housing'. */
  personField: string;
  /**
   * One partner call for all keys (distinct, valid BSNs); a BSN missing from the map is unknown to the
   * partner. `fields` = the requested field names of the domain object (e.g. ['rentArrearsMonths']).
   */
  fetch(bsns: string[], fields: readonly string[], call: AdapterCallContext): Promise<Map<string, R>>;
}

/** What the SDK gives one partner call. */
export interface AdapterCallContext {
  /** Aborted when the time budget is spent: pass it to fetch() so the partner call stops too. */
  signal: AbortSignal;
  /** The whole partner call must fit in this many milliseconds. */
  timeBudgetMs: number;
  /** The W3C trace id of this request (from the hub's traceparent). */
  traceId: string;
  /** A logger bound to this adapter and trace; never log BSNs or partner payloads. */
  log: Logger;
}

/** Identity function that gives a partner's definition its types (and a place to check it). */
export function defineAdapter<R>(definition: AdapterDefinition<R>): AdapterDefinition<R> {
  for (const key of ['name', 'domain', 'contractSdl', 'personField'] as const) {
    if (typeof definition[key] !== 'string' || definition[key].trim() === '') throw new Error(`Adapter definition needs a non-empty '${key}'`);
  }
  if (typeof definition.fetch !== 'function') throw new Error('Adapter definition needs a fetch(bsns, fields, call) function');
  return definition;
}
