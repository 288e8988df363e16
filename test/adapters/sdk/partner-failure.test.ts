import { describe, expect, it } from 'vitest';
import { TimeBudgetExceeded, withinTimeBudget } from '../../../src/adapters/sdk/partner-failure.ts';

describe('withinTimeBudget', () => {
  it('aborts the signal with a TimeoutError and rejects when the budget is spent', async () => {
    let seen: AbortSignal | undefined;
    const outcome = withinTimeBudget(50, (signal) => {
      seen = signal;
      return new Promise(() => undefined);
    });
    await expect(outcome).rejects.toBeInstanceOf(TimeBudgetExceeded);
    expect(seen?.aborted).toBe(true);
    expect((seen?.reason as Error).name).toBe('TimeoutError');
  });

  it('leaves the signal of a finished call alone: its timer is cleared, not left to fire', async () => {
    let seen: AbortSignal | undefined;
    expect(await withinTimeBudget(50, async (signal) => {
      seen = signal;
      return 'done';
    })).toBe('done');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(seen?.aborted).toBe(false);
  });
});
