import type { RequestHandler } from 'express';
import { logger } from './logger.ts';

/**
 * One log line per HTTP request for operators, written when the response has gone out (so a 503 from
 * a failed audit write is seen): method, path, status, duration and the trace id. No query string,
 * variables, results or token: those may hold personal data.
 */
export function requestLog(): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      logger.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Math.round(performance.now() - started),
          traceId: res.locals.traceId as string | undefined,
        },
        'request',
      );
    });
    next();
  };
}
