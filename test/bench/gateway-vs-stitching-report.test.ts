import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Measurement } from '../../bench/gateway-vs-stitching/measure.ts';
import { printReport, ratiosPerRound, type ResultRow } from '../../bench/gateway-vs-stitching/report.ts';

/**
 * The bench's verdict on each goal: the ratio of the medians, and beside it the same ratio per round
 * (each round's two measurements paired), so a reader sees whether a goal was met in every round or
 * only in the median.
 */
const measurement = (gatewayCpuMsPerRequest: number): Measurement => ({
  p50Ms: 10, p99Ms: 20, requestsPerSecond: 100, gatewayCpuMsPerRequest, gatewayCpuMsPerRequestSequential: 5, adapterCpuMsPerCall: 1, adapterCallsPerRequest: 3, postgresCpuMsPerRequest: 2, machineCpuMsPerRequest: 30, failed: 0,
});

function row(contestant: string, cpuPerRound: number[]): ResultRow {
  const rounds = cpuPerRound.map(measurement);
  const sorted = [...cpuPerRound].sort((a, b) => a - b);
  return { ...measurement(sorted[Math.floor(sorted.length / 2)]), contestant, kind: contestant === 'plain' ? 'plain' : 'ontschot', broken: false, rounds };
}

const FACTS = { command: 'npm run bench:gateway', head: 'abc', rounds: 3, partnerLatencyMs: 0, cores: 2, cpuModel: 'test', node: 'v20', loadAtStart: [0, 0, 0] };

describe('bench:gateway report', () => {
  afterEach(() => vi.restoreAllMocks());

  it('pairs each round of a contestant with the same round of its reference', () => {
    expect(ratiosPerRound(row('ontschot@HEAD', [12, 11, 15]), row('plain', [10, 10, 10]), (m) => m.gatewayCpuMsPerRequest)).toEqual([1.2, 1.1, 1.5]);
  });

  it('says per goal in how many rounds it was met, beside the ratio of the medians', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((text: string) => void printed.push(text));
    // Medians 10 and 12 (1.20×, met); per round 1.10×, 1.20× and 1.50×: met in 2 of 3.
    printReport([{ title: 'one household', amounts: { sequential: 1, concurrent: 1 }, rows: [row('plain', [10, 10, 10]), row('ontschot@HEAD', [11, 12, 15])] }], FACTS);
    const line = printed.join('\n').split('\n').find((text) => text.startsWith('- one household, gateway CPU per request'));
    expect(line).toBe('- one household, gateway CPU per request ÷ plain: 1.20× (≤ 1.2×) met; per round 1.10–1.50×, met in 2 of 3');
  });
});
