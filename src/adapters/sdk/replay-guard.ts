/**
 * Remembers the ids (jti) of hub tokens already used, each until the verifier would refuse its token
 * anyway: a token captured on the wire cannot be played again. Two guards behind one interface:
 * - `InMemoryReplayGuard` for one adapter process (the default);
 * - `PostgresReplayGuard` (./postgres-replay-guard.ts) when several replicas of one adapter answer the
 *   hub: a token used at one replica must be refused at the others.
 * A guard that cannot tell (full, database unreachable) throws `ReplayGuardUnavailable`: the request is
 * refused, never answered unchecked.
 */
export interface ReplayGuard {
  /**
   * True the first time `jti` is presented, false for a replay. `rememberUntilMs` is the moment after
   * which the verifier refuses the token whatever the guard says; it must be derived from the signed
   * token only (so a replay brings the same value).
   */
  firstUse(jti: string, rememberUntilMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The guard cannot tell whether a token is new: refuse the request (fail closed). */
export class ReplayGuardUnavailable extends Error {
  override name = 'ReplayGuardUnavailable';
  constructor(readonly reason: 'full' | 'unreachable' | 'closed') {
    super(`replay guard unavailable: ${reason}`);
  }
}

/**
 * Enough for 1,000 hub requests per second over the longest time a token is accepted (about two minutes)
 * with room to spare; an id costs about 100 bytes, so the bound is about 25 MB.
 */
export const DEFAULT_MAX_REMEMBERED_IDS = 250_000;

/**
 * Expiry buckets: one Set of ids per second in which they may be forgotten. A replay carries the same
 * signed token, so the same bucket: a check is one Map and one Set look-up, whatever the number of ids
 * remembered. Whole buckets are dropped as their second passes; each is dropped once.
 * When `maxIds` unexpired ids are remembered, new tokens are refused rather than an id forgotten early.
 */
export class InMemoryReplayGuard implements ReplayGuard {
  private readonly buckets = new Map<number, Set<string>>();
  private remembered = 0;
  /** Every bucket up to and including this second has been dropped. */
  private sweptUpTo = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly maxIds = DEFAULT_MAX_REMEMBERED_IDS,
    private readonly now: () => number = Date.now,
  ) {}

  async firstUse(jti: string, rememberUntilMs: number): Promise<boolean> {
    return this.check(jti, rememberUntilMs);
  }

  /** The check itself, synchronous (the bench calls it directly). */
  check(jti: string, rememberUntilMs: number): boolean {
    if (this.closed) throw new ReplayGuardUnavailable('closed');
    const nowMs = this.now();
    this.dropExpired(nowMs);
    // Forgettable once its second has fully passed: remembered at least until rememberUntilMs.
    const second = Math.ceil(rememberUntilMs / 1000);
    if (second * 1000 <= nowMs) return true; // the verifier refuses this token from now on anyway
    const bucket = this.buckets.get(second);
    if (bucket?.has(jti)) return false;
    if (this.remembered >= this.maxIds) throw new ReplayGuardUnavailable('full');
    if (bucket) bucket.add(jti);
    else this.buckets.set(second, new Set([jti]));
    this.remembered++;
    return true;
  }

  /** Number of ids remembered now (for tests and the bench). */
  get size(): number {
    return this.remembered;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.buckets.clear();
    this.remembered = 0;
  }

  /**
   * Drops the buckets of the seconds passed since the last check: one step per second passed, or one per
   * bucket when that is fewer (after a quiet spell), so never more steps than buckets.
   */
  private dropExpired(nowMs: number): void {
    const current = Math.floor(nowMs / 1000);
    if (current <= this.sweptUpTo) return;
    if (current - this.sweptUpTo <= this.buckets.size) {
      for (let second = this.sweptUpTo + 1; second <= current; second++) this.drop(second);
    } else {
      for (const second of [...this.buckets.keys()]) if (second <= current) this.drop(second);
    }
    this.sweptUpTo = current;
  }

  private drop(second: number): void {
    const bucket = this.buckets.get(second);
    if (!bucket) return;
    this.remembered -= bucket.size;
    this.buckets.delete(second);
  }
}
