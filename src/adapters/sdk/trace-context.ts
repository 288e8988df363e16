import { randomFillSync } from 'node:crypto';

/** W3C Trace Context: the caller's trace (from `traceparent`) and this adapter's own span in it. */
export interface TraceContext {
  traceId: string;
  /** This adapter's span (8 bytes, hex), new per request. */
  spanId: string;
  /** The caller's span from `traceparent`; null when the adapter started its own trace. */
  parentSpanId: string | null;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** Joins the caller's trace; without a valid `traceparent` the adapter starts its own. */
export function traceFrom(traceparent: string | string[] | undefined): TraceContext {
  const match = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent.trim()) : null;
  const valid = match !== null && !/^0+$/.test(match[1]) && !/^0+$/.test(match[2]);
  return {
    traceId: valid ? match[1] : randomHex(16),
    spanId: randomHex(8),
    parentSpanId: valid ? match[2] : null,
  };
}

/**
 * Random ids from a pool filled 4 KiB at a time: crypto.randomBytes(8) costs several microseconds per
 * call (a new buffer and a trip to OpenSSL each time), a slice of the pool a fraction of one. Each byte
 * is handed out once.
 */
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const hex = pool.toString('hex', used, used + bytes);
  used += bytes;
  return hex;
}
