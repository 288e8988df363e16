import { describe, expect, it } from 'vitest';
import { machineCpuMs, postgresCpuBetween } from '../../bench/gateway-vs-stitching/process-cpu.ts';

describe('bench CPU readings', () => {
  it('counts what each PostgreSQL process used between two readings: a new process in full, an ended one not at all', () => {
    const before = new Map([[10, 500], [11, 200], [12, 90]]);
    // 10 went on, 11 ended (its time is gone, it must not count as negative), 13 started.
    const after = new Map([[10, 530], [12, 90], [13, 15]]);
    expect(postgresCpuBetween(before, after)).toBe(45);
  });

  it('reads the machine\'s busy time, which only grows', async () => {
    const first = machineCpuMs();
    const spinUntil = performance.now() + 60;
    while (performance.now() < spinUntil);
    expect(first).toBeGreaterThan(0);
    expect(machineCpuMs()).toBeGreaterThanOrEqual(first);
  });
});
