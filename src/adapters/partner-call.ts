import { GraphQLError } from 'graphql';
import { Agent, request as undiciRequest } from 'undici';
import { logger } from '../observability/logger.ts';
import type { Domain } from '../domain/partner-domains.ts';

/**
 * Calls a partner system within a time budget: one logical call, which may take several HTTP requests
 * (pages, and waits the partner asks for with 429 + Retry-After). Every failure becomes one opaque
 * GraphQL error, so that callers learn *that* a source is unavailable but never the partner's URL,
 * status texts or payloads, and never a BSN. The reason class is logged for operators.
 */

export type FailureReason = 'timeout' | 'connection' | 'http_status' | 'bad_json' | 'bad_payload' | 'rate_limited' | 'too_many_pages';

/** One HTTP request to the partner. */
export interface PartnerHttpRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

interface PartnerCallBudget {
  domain: Domain;
  /** The whole logical call, every page and every wait included, must fit in this many milliseconds. */
  timeBudgetMs: number;
  /** The caller's own budget (the SDK's `call.signal`): when given, the call stops with it and sets no timer of its own. */
  signal?: AbortSignal;
}

export interface PartnerRequest<T> extends PartnerHttpRequest, PartnerCallBudget {
  /** Checks and narrows the parsed JSON; throw `PartnerPayloadError` when the shape is not usable. */
  decode: (json: unknown) => T;
}

/** One page as a decoder reads it: its items, and the request for the next page when there is one. */
export interface PartnerPage<T> {
  items: T[];
  next?: PartnerHttpRequest;
}

export interface PagedPartnerRequest<T> extends PartnerCallBudget {
  first: PartnerHttpRequest;
  /** Reads one page; throw `PartnerPayloadError` when the shape is not usable. */
  decodePage: (json: unknown) => PartnerPage<T>;
}

/** Thrown by a decoder for a response that is JSON but not the shape the adapter needs. */
export class PartnerPayloadError extends Error {
  constructor(what: string) {
    super(`Unexpected partner payload: ${what}`);
  }
}

/** A partner that keeps sending next pages is broken (or looping); stop rather than spend the budget. */
export const MAX_PAGES_PER_CALL = 100;
/** When a 429 names no (readable) Retry-After, wait this long before the one retry that fits the budget. */
const DEFAULT_RETRY_AFTER_MS = 1000;

/**
 * The HTTP client for every partner: undici's own request API over keep-alive connections (one pool per
 * partner origin), not global fetch, whose web streams and per-request objects cost several times the
 * CPU per page. It never follows a redirect: a 3xx is an answer like any other non-2xx.
 */
const partnerConnections = new Agent();

/** The budget was spent: the reason the call's signal aborts with. */
class BudgetSpent extends Error {
  override name = 'TimeoutError';
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

/** A call answered in one response. */
export async function callPartner<T>(request: PartnerRequest<T>): Promise<T> {
  const { domain, timeBudgetMs, signal, decode, ...first } = request;
  const [result] = await callPartnerPaged({ domain, timeBudgetMs, signal, first, decodePage: (json) => ({ items: [decode(json)] }) });
  return result;
}

/** A call whose answer may come in pages: follows `next` until the last page, within one budget. */
export async function callPartnerPaged<T>(request: PagedPartnerRequest<T>): Promise<T[]> {
  const started = performance.now();
  // Made only when something is logged: a pino child per call costs microseconds.
  const log = () => logger.child({ component: 'partner-call', domain: request.domain });
  const stats = { pages: 0, rateLimitWaits: 0 };
  // One deadline for connecting, waiting and reading every page: the budget covers the whole call. A timer
  // cleared when the call settles (AbortSignal.timeout would fire, and build its error, after every call).
  const deadline = started + request.timeBudgetMs;
  const own = request.signal ? undefined : new AbortController();
  const signal = request.signal ?? own!.signal;
  const timer = own && setTimeout(() => own.abort(new BudgetSpent()), request.timeBudgetMs);
  try {
    const items: T[] = [];
    let next: PartnerHttpRequest | undefined = request.first;
    while (next) {
      if (stats.pages === MAX_PAGES_PER_CALL) throw new PartnerCallFailure('too_many_pages');
      const page = request.decodePage(await sendWithinBudget(next, signal, deadline, stats));
      stats.pages += 1;
      for (const item of page.items) items.push(item);
      next = page.next;
    }
    if (logger.isLevelEnabled('debug')) log().debug({ durationMs: Math.round(performance.now() - started), ...stats }, 'partner call succeeded');
    return items;
  } catch (error) {
    // Whatever the budget's end broke off (a request, a read, a wait), the reason is the budget.
    const failure = signal.aborted ? new PartnerCallFailure('timeout') : classify(error);
    // Reason class, HTTP status and counts only: no URL, no body, no message text from the partner.
    log().warn({ reason: failure.reason, status: failure.status, durationMs: Math.round(performance.now() - started), ...stats }, 'partner call failed');
    throw sourceUnavailable(request.domain);
  } finally {
    clearTimeout(timer);
  }
}

/** The parsed JSON of one request, waiting out 429s as long as the wait fits before the deadline. */
async function sendWithinBudget(request: PartnerHttpRequest, signal: AbortSignal, deadline: number, stats: { rateLimitWaits: number }): Promise<unknown> {
  for (;;) {
    const response = await undiciRequest(request.url, {
      dispatcher: partnerConnections,
      method: request.method ?? 'POST',
      headers: request.headers,
      body: request.body,
      signal,
    });
    // Read to the end whatever the status: the connection then goes back to the pool.
    const text = await response.body.text();
    if (response.statusCode === 429) {
      const waitMs = retryAfterMs(headerValue(response.headers['retry-after']));
      // Waiting past the budget would only end in a timeout: give up now and say why.
      if (performance.now() + waitMs >= deadline) throw new PartnerCallFailure('rate_limited', 429);
      stats.rateLimitWaits += 1;
      await sleep(waitMs, signal);
      continue;
    }
    if (response.statusCode < 200 || response.statusCode > 299) throw new PartnerCallFailure('http_status', response.statusCode);
    try {
      return JSON.parse(text);
    } catch {
      throw new PartnerCallFailure('bad_json', response.statusCode);
    }
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header === null) return DEFAULT_RETRY_AFTER_MS;
  const value = header.trim();
  if (/^\d{1,9}$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, date - now);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function classify(error: unknown): PartnerCallFailure {
  if (error instanceof PartnerCallFailure) return error;
  if (error instanceof PartnerPayloadError) return new PartnerCallFailure('bad_payload');
  return new PartnerCallFailure('connection');
}

/** `base` + `path`, keeping any path prefix the partner's base URL has (unlike `new URL('/x', base)`). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * A next-page link from a partner, resolved against its base URL. Only links to the partner's own
 * origin are followed: anything else would send the adapter's credentials and requests elsewhere.
 */
export function sameOriginLink(link: string, base: string): string {
  let url: URL;
  try {
    url = new URL(link, base);
  } catch {
    throw new PartnerPayloadError('next link is not a URL');
  }
  if (url.origin !== new URL(base).origin) throw new PartnerPayloadError('next link points elsewhere');
  return url.href;
}
