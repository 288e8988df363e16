import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { DemoHousehold } from '../demo/population.ts';
import { logger } from '../observability/logger.ts';
import { closeServer, listen, readBody } from '../net/http-server.ts';

/**
 * Shared plumbing for the partner simulators: an HTTP server with a request counter and switches for
 * latency and outage, so tests and the demo can show batching (N people = 1 call) and failure handling.
 * The control endpoints under /_sim/ let another process flip those switches.
 */

/** What a simulator's handler sees: no query string parsing, because BSNs never travel in URLs. */
export interface SimulatorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
}

export interface SimulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else is sent as JSON. */
  body: unknown;
}

export type SimulatorHandler = (req: SimulatorRequest, body: string) => Promise<SimulatorResponse>;

export interface SimulatorOptions {
  name: string;
  host?: string;
  port?: number;
  handle: SimulatorHandler;
}

/** What each partner simulator accepts: where to listen and whom it knows (default: the demo population). */
export interface PartnerSimulatorOptions {
  host?: string;
  port?: number;
  households?: readonly DemoHousehold[];
}

export interface RunningSimulator {
  name: string;
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  requestCount(): number;
  resetCount(): void;
  setLatency(ms: number): void;
  setDown(down: boolean): void;
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
  let latencyMs = 0;
  let down = false;
  // Pending latency delays end at once on close(), so close() never waits for them.
  const closing = new AbortController();

  const state = () => ({ requests, latencyMs, down });

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
      if (parsed.resetCount) requests = 0;
      return jsonResponse(200, state());
    }
    return jsonResponse(404, { error: 'unknown control endpoint' });
  }

  async function handlePartner(req: SimulatorRequest, body: string): Promise<SimulatorResponse> {
    requests += 1;
    if (latencyMs > 0) await delay(latencyMs, closing.signal);
    if (down) return jsonResponse(503, { error: 'service unavailable' });
    return options.handle(req, body);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const simReq: SimulatorRequest = {
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://simulator').pathname,
      headers: req.headers,
    };
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
    resetCount: () => {
      requests = 0;
    },
    setLatency: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('latency must be a non-negative number of milliseconds');
      latencyMs = ms;
    },
    setDown: (value) => {
      down = value;
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
  const { latencyMs, down, resetCount } = value as Record<string, unknown>;
  if (latencyMs !== undefined && (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0)) {
    return 'latencyMs must be a non-negative number';
  }
  if (down !== undefined && typeof down !== 'boolean') return 'down must be a boolean';
  if (resetCount !== undefined && resetCount !== true) return 'resetCount must be true when given';
  return { latencyMs, down, resetCount };
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
