import { describe, expect, it } from 'vitest';
import { traceFrom } from '../../../src/adapters/sdk/trace-context.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';

describe('traceFrom', () => {
  it('joins the caller\'s trace with a span of its own', () => {
    const trace = traceFrom(`00-${TRACE_ID}-${PARENT_SPAN}-01`);
    expect(trace).toMatchObject({ traceId: TRACE_ID, parentSpanId: PARENT_SPAN });
    expect(trace.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([undefined, 'garbage', `00-${'0'.repeat(32)}-${PARENT_SPAN}-01`, `00-${TRACE_ID}-${'0'.repeat(16)}-01`, [`00-${TRACE_ID}-${PARENT_SPAN}-01`]])(
    'starts a trace of its own without a valid traceparent (%s)',
    (header) => {
      const trace = traceFrom(header);
      expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(trace.traceId).not.toBe(TRACE_ID);
      expect(trace.parentSpanId).toBeNull();
    },
  );

  it('never hands out the same id twice, across many refills of its random pool', () => {
    const ids = new Set<string>();
    const count = 5_000; // 5,000 × 24 random bytes: about thirty refills of the 4 KiB pool
    for (let i = 0; i < count; i++) {
      const { traceId, spanId } = traceFrom(undefined);
      ids.add(traceId).add(spanId);
    }
    expect(ids.size).toBe(2 * count);
  });
});
