import type { RequestHandler } from 'express';
import { EDGE_ERROR_CODES } from './edge-errors.ts';

/**
 * Operations only over POST. Over GET the query and its variables (a BSN) travel in the URL, where
 * proxies, browser history and access logs keep them; Apollo would serve a GET that carries a CSRF
 * preflight header. Refused before anything reads the query string; the request log records the path only.
 */
export function refuseAllButPost(): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'POST') return next();
    res.status(405).set('allow', 'POST').json({
      errors: [{ message: `GraphQL operations are only accepted over POST, not ${req.method}`, extensions: { code: EDGE_ERROR_CODES.methodNotAllowed } }],
    });
  };
}
