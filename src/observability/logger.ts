import pino from 'pino';

/**
 * Structured logs (pino), written to stderr so that stdout stays free for what a command prints
 * (a token, a report). Never log a BSN, a token or partner payloads: log ids, counts and codes.
 * The redact list is a safety net for the keys most likely to carry them by accident.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' || process.env.VITEST ? 'silent' : 'info'),
  base: { service: 'ontschot' },
  redact: {
    paths: [
      'bsn', '*.bsn', 'bsns', '*.bsns', 'token', '*.token', 'authorization', '*.authorization',
      'headers.authorization', 'req.headers.authorization', 'variables', '*.variables',
    ],
    censor: '[redacted]',
  },
}, pino.destination(2));

export type Logger = typeof logger;
