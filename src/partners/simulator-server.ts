import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { DemoHousehold } from '../demo/population.ts';
import { logger } from '../observability/logger.ts';
import { closeServer, listen, readBody } from '../net/http-server.ts';

/**
 * Shared plumbing for the partner simulators: an HTTP server with a request counter, a log of what each
 * search asked for, and switches for latency, outage and a rate limit, so tests and the demo can show
 * batching (N people = 1 call), data minimisation and failure handling. The control endpoints under
 * /_sim/ let another process flip those switches.
 */

export interface SimulatorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Only for opaque paging tokens: partner routes never accept personal data in a URL. */
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

/** One search as the partner understood it: whom it was asked about, and which of its own fields. */
export interface ReceivedRequest {
  bsns: string[];
  /** In the partner's own vocabulary (Dutch field names, FHIR search parameters). */
  fields: string[];
}

export interface SimulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else is sent as JSON. */
  body: unknown;
}

/** `record` notes a search the handler accepted, for `receivedRequests()`. */
export type SimulatorHandler = (req: SimulatorRequest, body: string, record: (request: ReceivedRequest) => void) => Promise<SimulatorResponse>;

export interface SimulatorOptions {
  name: string;
  host?: string;
  port?: number;
  /** More accepted requests than this within one second are answered 429; absent: no limit. */
  rateLimitPerSecond?: number;
  handle: SimulatorHandler;
}

/**
 * What each partner simulator accepts: where to listen and whom it knows (default: the demo population).
 * A simulator ignores the options that do not apply to its partner.
 */
export interface PartnerSimulatorOptions {
  host?: string;
  port?: number;
  households?: readonly DemoHousehold[];
  /** Most records per page (housing, GGZ); default 5. */
  pageSize?: number;
  /** See `SimulatorOptions.rateLimitPerSecond`. */
  rateLimitPerSecond?: number;
  /** The key the partner expects in `x-api-key` (debt relief). */
  apiKey?: string;
}

export const DEFAULT_PAGE_SIZE = 5;

export interface RunningSimulator {
  name: string;
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Every HTTP request to a partner route, including refused ones and every page. */
  requestCount(): number;
  /** The searches the partner accepted, one per logical search (follow-up pages are not new searches). */
  receivedRequests(): ReceivedRequest[];
  /** Clears the counter and the log of received requests. */
  resetCount(): void;
  setLatency(ms: number): void;
  setDown(down: boolean): void;
  /** `undefined`: no limit. */
  setRateLimit(perSecond: number | undefined): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const CONTROL_PREFIX = '/_sim/';

class BodyTooLargeError extends Error {}

/** A JSON response; the helper the simulators use for every answer. */
export function jsonResponse(status: number, body: unknown, contentType = 'application/json'): SimulatorResponse {
  return { status, headers: { 'content-type': `${contentType}; charset=utf-8` }, body };
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const log = logger.child({ component: 'partner-simulator', simulator: options.name });
  let requests = 0;
  let received: ReceivedRequest[] = [];
  let latencyMs = 0;
  let down = false;
  const limiter = new RateLimiter(checkedRateLimit(options.rateLimitPerSecond));
  // Pending latency delays end at once on close(), so close() never waits for them.
  const closing = new AbortController();

  const state = () => ({ requests, latencyMs, down, rateLimitPerSecond: limiter.perSecond ?? null });
  const reset = () => {
    requests = 0;
    received = [];
  };

  async function handleControl(req: SimulatorRequest, body: string): Promise<SimulatorResponse> {
    if (req.path === '/_sim/stats') {
      if (req.method !== 'GET') return jsonResponse(405, { error: 'method not allowed' });
      return jsonResponse(200, { requests });
    }
    if (req.path === '/_sim/control') {
      if (req.method !== 'POST') return jsonResponse(405, { error: 'method not allowed' });
      const parsed = parseControl(body);
      if (typeof parsed === 'string') return jsonResponse(400, { error: parsed });
      if (parsed.latencyMs !== undefined) latencyMs = parsed.latencyMs;
      if (parsed.down !== undefined) down = parsed.down;
      if (parsed.rateLimitPerSecond !== undefined) limiter.perSecond = parsed.rateLimitPerSecond ?? undefined;
      if (parsed.resetCount) reset();
      return jsonResponse(200, state());
    }
    return jsonResponse(404, { error: 'unknown control endpoint' });
  }

  async function handlePartner(req: SimulatorRequest, body: string): Promise<SimulatorResponse> {
    requests += 1;
    if (latencyMs > 0) await delay(latencyMs, closing.signal);
    if (down) return jsonResponse(503, { error: 'service unavailable' });
    const waitSeconds = limiter.admit();
    if (waitSeconds !== undefined) {
      return { status: 429, headers: { 'retry-after': String(waitSeconds) }, body: { error: 'too many requests' } };
    }
    return options.handle(req, body, (request) => received.push({ bsns: [...request.bsns], fields: [...request.fields] }));
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const simReq: SimulatorRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers };
    let response: SimulatorResponse;
    try {
      const body = await readBody(req, MAX_BODY_BYTES);
      if (body === undefined) throw new BodyTooLargeError();
      response = simReq.path.startsWith(CONTROL_PREFIX) ? await handleControl(simReq, body) : await handlePartner(simReq, body);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        response = jsonResponse(413, { error: 'request body too large' });
        res.setHeader('connection', 'close');
      } else {
        // Only the error class: messages may carry request data.
        log.error({ errorName: error instanceof Error ? error.name : typeof error }, 'simulator handler failed');
        response = jsonResponse(500, { error: 'internal error' });
      }
    }
    send(res, response);
  }

  const server = createServer((req, res) => void onRequest(req, res));
  const url = await listen(server, host, options.port ?? 0);
  log.debug({ url }, 'simulator listening');

  return {
    name: options.name,
    url,
    requestCount: () => requests,
    receivedRequests: () => received.map((request) => ({ bsns: [...request.bsns], fields: [...request.fields] })),
    resetCount: reset,
    setLatency: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('latency must be a non-negative number of milliseconds');
      latencyMs = ms;
    },
    setDown: (value) => {
      down = value;
    },
    setRateLimit: (perSecond) => {
      limiter.perSecond = checkedRateLimit(perSecond);
    },
    close: () => {
      closing.abort();
      return closeServer(server);
    },
  };
}

interface ControlCommand {
  latencyMs?: number;
  down?: boolean;
  /** `null` lifts the limit. */
  rateLimitPerSecond?: number | null;
  resetCount?: boolean;
}

/** The control body, or an error message. */
function parseControl(body: string): ControlCommand | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'body must be JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'body must be a JSON object';
  const { latencyMs, down, rateLimitPerSecond, resetCount } = value as Record<string, unknown>;
  if (latencyMs !== undefined && (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0)) {
    return 'latencyMs must be a non-negative number';
  }
  if (down !== undefined && typeof down !== 'boolean') return 'down must be a boolean';
  if (rateLimitPerSecond !== undefined && rateLimitPerSecond !== null && !isPositiveInteger(rateLimitPerSecond)) {
    return 'rateLimitPerSecond must be a positive integer or null';
  }
  if (resetCount !== undefined && resetCount !== true) return 'resetCount must be true when given';
  return { latencyMs, down, rateLimitPerSecond, resetCount };
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function checkedRateLimit(perSecond: number | undefined): number | undefined {
  if (perSecond !== undefined && !isPositiveInteger(perSecond)) throw new RangeError('rate limit must be a positive integer per second');
  return perSecond;
}

/** A sliding one-second window over accepted requests, as partner API gateways enforce. */
class RateLimiter {
  private accepted: number[] = [];

  constructor(private limit: number | undefined) {}

  get perSecond(): number | undefined {
    return this.limit;
  }

  /** A new limit starts with an empty window. */
  set perSecond(limit: number | undefined) {
    this.limit = limit;
    this.accepted = [];
  }

  /** `undefined` when the request may pass, else the whole seconds to wait (the `Retry-After` value). */
  admit(): number | undefined {
    if (this.limit === undefined) return undefined;
    const now = performance.now();
    this.accepted = this.accepted.filter((at) => now - at < 1000);
    if (this.accepted.length >= this.limit) return Math.max(1, Math.ceil((this.accepted[0] + 1000 - now) / 1000));
    this.accepted.push(now);
    return undefined;
  }
}


function send(res: ServerResponse, response: SimulatorResponse): void {
  // The client may have given up (a caller's time budget); nothing left to answer.
  if (res.destroyed || res.writableEnded) return;
  const payload = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  const headers = { 'content-type': 'application/json; charset=utf-8', ...response.headers };
  res.writeHead(response.status, headers).end(payload);
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
