/**
 * How many GraphQL requests the gateway works on at once, how many may wait, and for how long. Past
 * that the gateway answers 503 with Retry-After at once: under overload some callers are told to retry
 * and those admitted get a complete case screen, instead of every caller getting a degraded one late.
 * Read from EDGE_MAX_CONCURRENT_REQUESTS, EDGE_MAX_QUEUED_REQUESTS and EDGE_QUEUE_TIMEOUT_MS
 * (src/config/env.ts).
 */
export interface AdmissionSettings {
  /** At least 1. */
  maxConcurrent: number;
  /** 0: no waiting, a request without a free slot is refused at once. */
  maxQueued: number;
  queueTimeoutMs: number;
}

/** Measured with `npm run bench:load` on the 2-core machine (see docs in the bench). */
export const DEFAULT_ADMISSION: AdmissionSettings = { maxConcurrent: 8, maxQueued: 32, queueTimeoutMs: 1000 };
