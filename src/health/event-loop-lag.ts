const SAMPLE_MS = 20;
const SAMPLES_KEPT = 1_500; // 30 s

/**
 * How late this process's event loop has been, sampled every 20 ms for the last 30 s: a timer that
 * fires late by N ms means every callback waited up to N ms. The upstream executor asks it whether a
 * call that ran out of time did so because the gateway itself was too busy to read the answer: such a
 * timeout is local overload, not the adapter's failure, and must not open the adapter's circuit breaker.
 *
 * Why not perf_hooks.monitorEventLoopDelay: its histogram can only be read as a whole or reset, and a
 * reset drops the next sample, which is exactly the late one after a block; per-window maxima need
 * timestamps, which this keeps.
 */
export class EventLoopLag {
  private readonly at = new Float64Array(SAMPLES_KEPT);
  private readonly lagMs = new Float64Array(SAMPLES_KEPT);
  private next = 0;
  private count = 0;
  private last = performance.now();
  private timer: NodeJS.Timeout | undefined;

  start(): this {
    if (this.timer) return this;
    this.last = performance.now();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The largest delay since `since` (a `performance.now()` time), in ms, including the one under way. */
  maxSince(since: number): number {
    let max = Math.max(0, performance.now() - this.last - SAMPLE_MS);
    for (let seen = 0, i = this.next; seen < this.count; seen++) {
      i = (i - 1 + SAMPLES_KEPT) % SAMPLES_KEPT;
      if (this.at[i] < since) break;
      max = Math.max(max, this.lagMs[i]);
    }
    return max;
  }

  private sample(): void {
    const now = performance.now();
    this.at[this.next] = now;
    this.lagMs[this.next] = Math.max(0, now - this.last - SAMPLE_MS);
    this.last = now;
    this.next = (this.next + 1) % SAMPLES_KEPT;
    this.count = Math.min(this.count + 1, SAMPLES_KEPT);
  }
}

/** One monitor per process, started on first use. */
let shared: EventLoopLag | undefined;
export function eventLoopLag(): EventLoopLag {
  shared ??= new EventLoopLag().start();
  return shared;
}
