import type { RequestHandler, Response } from 'express';
import PQueue from 'p-queue';
import { logger } from '../observability/logger.ts';
import type { AdmissionSettings } from './admission-settings.ts';

export const OVERLOADED_CODE = 'OVERLOADED';

export interface AdmissionControl {
  middleware: RequestHandler;
  /** Requests being worked on and requests waiting (for /readyz and tests). */
  load(): { active: number; queued: number };
}

/**
 * Bounded concurrency at the gateway's edge (p-queue): at most `maxConcurrent` requests are worked on,
 * at most `maxQueued` wait, each for at most `queueTimeoutMs`. Everything beyond is answered at once
 * with 503, `Retry-After` and the code OVERLOADED, before the body is even read. A slot is held until
 * the response has gone out (or the caller hung up), so the work of a request, its adapter calls and
 * its access-log write included, counts against the limit. Adapter time budgets start only when the
 * adapter is called, so the time a request waits here never eats into them.
 */
export function createAdmissionControl(settings: AdmissionSettings): AdmissionControl {
  const queue = new PQueue({ concurrency: settings.maxConcurrent });
  const retryAfterSeconds = String(Math.max(1, Math.ceil(settings.queueTimeoutMs / 1000)));

  // Under a flood a line per refusal would cost more than the refusal: one line per second at most.
  let refusedSinceLog = 0;
  let lastLog = 0;
  const refuse = (res: Response, reason: 'queue full' | 'queue timeout') => {
    if (res.headersSent || res.destroyed) return; // the caller hung up while waiting
    refusedSinceLog += 1;
    if (performance.now() - lastLog >= 1_000) {
      logger.warn({ reason, refused: refusedSinceLog, active: queue.pending, queued: queue.size }, 'requests refused: gateway overloaded');
      refusedSinceLog = 0;
      lastLog = performance.now();
    }
    res
      .status(503)
      .set('retry-after', retryAfterSeconds)
      .json({ errors: [{ message: `The hub is busy; retry after ${retryAfterSeconds} s`, extensions: { code: OVERLOADED_CODE } }] });
  };

  const middleware: RequestHandler = (req, res, next) => {
    if (queue.pending >= settings.maxConcurrent && queue.size >= settings.maxQueued) return refuse(res, 'queue full');
    if (queue.pending < settings.maxConcurrent && queue.size === 0) {
      // A free slot: p-queue starts the task within add(), so there is no wait to time out or to leave,
      // and no timer or abort signal to make for it (most requests, at any load below the limit).
      void queue.add(
        () =>
          new Promise<void>((done) => {
            if (res.writableEnded || res.destroyed) return done();
            res.once('close', done);
            next();
          }),
      );
      return;
    }
    const waiting = new AbortController();
    const timer = setTimeout(() => waiting.abort(), settings.queueTimeoutMs);
    // 'close' comes when the response has gone out or the caller hung up: a waiting caller that hangs
    // up leaves the queue at once, a running one gives its slot back.
    let release: (() => void) | undefined;
    res.once('close', () => (release ? release() : waiting.abort()));
    queue
      .add(
        () =>
          new Promise<void>((done) => {
            clearTimeout(timer);
            if (res.writableEnded || res.destroyed) return done();
            release = done;
            next();
          }),
        { signal: waiting.signal },
      )
      .catch(() => {
        clearTimeout(timer);
        refuse(res, 'queue timeout');
      });
  };

  return { middleware, load: () => ({ active: queue.pending, queued: queue.size }) };
}
