import { GraphQLError } from 'graphql';
import { logger } from '../observability/logger.ts';
import type { Domain } from '../domain/partner-domains.ts';

/**
 * Calls a partner system within a time budget. Every failure becomes one opaque GraphQL error, so that
 * callers learn *that* a source is unavailable but never the partner's URL, status texts or payloads,
 * and never a BSN. The reason class is logged for operators.
 */


export type FailureReason = 'timeout' | 'connection' | 'http_status' | 'bad_json' | 'bad_payload';

export interface PartnerRequest<T> {
  domain: Domain;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeBudgetMs: number;
  /** Checks and narrows the parsed JSON; throw `PartnerPayloadError` when the shape is not usable. */
  decode: (json: unknown) => T;
}

/** Thrown by a decoder for a response that is JSON but not the shape the adapter needs. */
export class PartnerPayloadError extends Error {
  constructor(what: string) {
    super(`Unexpected partner payload: ${what}`);
  }
}

const DOMAIN_LABEL: Record<Domain, string> = { housing: 'Housing', debt: 'Debt', care: 'Care' };

export function sourceUnavailable(domain: Domain): GraphQLError {
  return new GraphQLError(`${DOMAIN_LABEL[domain]} source unavailable`, {
    extensions: { code: 'SOURCE_UNAVAILABLE', source: domain },
  });
}

class PartnerCallFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    readonly status?: number,
  ) {
    super(reason);
  }
}

export async function callPartner<T>(request: PartnerRequest<T>): Promise<T> {
  const started = performance.now();
  const log = logger.child({ component: 'partner-call', domain: request.domain });
  try {
    const result = await attempt(request);
    log.debug({ durationMs: Math.round(performance.now() - started) }, 'partner call succeeded');
    return result;
  } catch (error) {
    const failure = classify(error);
    // Reason class, HTTP status and duration only: no URL, no body, no message text from the partner.
    log.warn({ reason: failure.reason, status: failure.status, durationMs: Math.round(performance.now() - started) }, 'partner call failed');
    throw sourceUnavailable(request.domain);
  }
}

async function attempt<T>(request: PartnerRequest<T>): Promise<T> {
  // One signal for connecting, waiting and reading the body: the budget covers the whole call.
  const signal = AbortSignal.timeout(request.timeBudgetMs);
  const response = await fetch(request.url, {
    method: request.method ?? 'POST',
    headers: request.headers,
    body: request.body,
    signal,
    redirect: 'error',
  });
  const text = await response.text();
  if (!response.ok) throw new PartnerCallFailure('http_status', response.status);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PartnerCallFailure('bad_json', response.status);
  }
  return request.decode(json);
}

function classify(error: unknown): PartnerCallFailure {
  if (error instanceof PartnerCallFailure) return error;
  if (error instanceof PartnerPayloadError) return new PartnerCallFailure('bad_payload');
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return new PartnerCallFailure('timeout');
  return new PartnerCallFailure('connection');
}

/** `base` + `path`, keeping any path prefix the partner's base URL has (unlike `new URL('/x', base)`). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
