import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryReplayGuard, ReplayGuardUnavailable } from '../../../src/adapters/sdk/replay-guard.ts';

/** A clock the test moves by hand. */
function manualClock(startMs = 1_800_000_000_000) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => { nowMs += ms; } };
}

describe('InMemoryReplayGuard', () => {
  it('accepts an id once and refuses it again until it may be forgotten', async () => {
    const clock = manualClock();
    const guard = new InMemoryReplayGuard(100, clock.now);
    const until = clock.now() + 60_000;
    expect(await guard.firstUse('a', until)).toBe(true);
    expect(await guard.firstUse('b', until)).toBe(true);
    expect(await guard.firstUse('a', until)).toBe(false);
    clock.advance(59_999);
    expect(await guard.firstUse('a', until)).toBe(false);
    clock.advance(1);
    // From `until` on the verifier refuses the token itself; the guard may let the id go.
    expect(await guard.firstUse('a', until)).toBe(true);
  });

  it('remembers an id until a moment that is not on a whole second', async () => {
    const clock = manualClock();
    const guard = new InMemoryReplayGuard(100, clock.now);
    const until = clock.now() + 2_500;
    expect(await guard.firstUse('a', until)).toBe(true);
    clock.advance(2_499);
    expect(await guard.firstUse('a', until)).toBe(false);
  });

  it('refuses new ids when full rather than forgetting unexpired ones, and takes them again once ids expire', async () => {
    const clock = manualClock();
    const guard = new InMemoryReplayGuard(3, clock.now);
    const until = clock.now() + 10_000;
    for (const id of ['a', 'b', 'c']) expect(await guard.firstUse(id, until)).toBe(true);
    await expect(guard.firstUse('d', until)).rejects.toEqual(new ReplayGuardUnavailable('full'));
    // Still remembered: a full guard must not turn into an open one.
    for (const id of ['a', 'b', 'c']) expect(await guard.firstUse(id, until)).toBe(false);
    clock.advance(10_000);
    expect(await guard.firstUse('d', clock.now() + 10_000)).toBe(true);
    expect(guard.size).toBe(1);
  });

  it('forgets ids after a quiet spell longer than the buckets it holds', async () => {
    const clock = manualClock();
    const guard = new InMemoryReplayGuard(10, clock.now);
    for (let i = 0; i < 10; i++) await guard.firstUse(`id-${i}`, clock.now() + 1_000 * (i + 1));
    clock.advance(3_600_000);
    expect(await guard.firstUse('new', clock.now() + 1_000)).toBe(true);
    expect(guard.size).toBe(1);
  });

  it('refuses after close', async () => {
    const guard = new InMemoryReplayGuard();
    await guard.close();
    await expect(guard.firstUse('a', Date.now() + 1_000)).rejects.toBeInstanceOf(ReplayGuardUnavailable);
  });

  describe('cost per check does not grow with the ids remembered', () => {
    // Counts every walk over a Map or Set while checks run: a guard that visits remembered ids (as the
    // old one pruned on each check) walks them; one that looks up a bucket walks nothing.
    const originals: [object, PropertyKey, unknown][] = [];
    let walks = 0;
    function countWalks(): void {
      for (const proto of [Map.prototype, Set.prototype]) {
        for (const key of [Symbol.iterator, 'keys', 'values', 'entries', 'forEach'] as const) {
          const original = (proto as unknown as Record<PropertyKey, (...args: unknown[]) => unknown>)[key];
          originals.push([proto, key, original]);
          Object.defineProperty(proto, key, {
            configurable: true,
            writable: true,
            value(this: unknown, ...args: unknown[]) {
              walks++;
              return original.apply(this, args);
            },
          });
        }
      }
    }
    afterEach(() => {
      for (const [proto, key, original] of originals.splice(0)) Object.defineProperty(proto, key, { configurable: true, writable: true, value: original });
    });

    it('checks new ids and refuses replays among 100,000 remembered ids without walking them', async () => {
      const clock = manualClock();
      const guard = new InMemoryReplayGuard(200_000, clock.now);
      // 1,000 tokens per second, each remembered for 100 s: 100,000 ids at once.
      const oldUntil: number[] = [];
      for (let i = 0; i < 100_000; i++) {
        oldUntil.push(clock.now() + 100_000);
        guard.check(`old-${i}`, oldUntil[i]);
        if (i % 1_000 === 999) clock.advance(1_000);
      }
      expect(guard.size).toBe(100_000);
      walks = 0;
      countWalks();
      const fresh: boolean[] = [];
      const replayed: boolean[] = [];
      for (let i = 0; i < 2_000; i++) {
        clock.advance(1); // seconds pass during the checks too, so expired buckets are dropped meanwhile
        fresh.push(guard.check(`new-${i}`, clock.now() + 100_000));
        replayed.push(guard.check(`old-${99_999 - i}`, oldUntil[99_999 - i]));
      }
      const counted = walks;
      expect(counted).toBe(0);
      expect(fresh.every((first) => first)).toBe(true);
      expect(replayed.some((first) => first)).toBe(false);
    });
  });
});
