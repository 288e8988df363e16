import { randomBytes } from 'node:crypto';

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
    traceId: valid ? match[1] : randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    parentSpanId: valid ? match[2] : null,
  };
}
