/**
 * Remembers the ids (jti) of tokens already used, each until its token expires: a token captured on
 * the wire cannot be played again. Expired entries are dropped as new ones arrive, so memory stays
 * bounded by the tokens of the last token lifetime.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  /** True the first time `jti` is seen before `expiresAtMs`; false for a replay. */
  firstUse(jti: string, expiresAtMs: number, nowMs = Date.now()): boolean {
    this.prune(nowMs);
    if (this.seen.has(jti)) return false;
    this.seen.set(jti, expiresAtMs);
    return true;
  }

  private prune(nowMs: number): void {
    for (const [jti, expiresAtMs] of this.seen) {
      if (expiresAtMs <= nowMs) this.seen.delete(jti);
    }
  }
}
