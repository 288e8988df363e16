import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import helmet from 'helmet';
import { type ConsoleOidcSettings, oauth4webapiBrowserBuild, oidcConnectSources } from './oidc/console-oidc.ts';

/** Where the privacy officer's console is served: static files, no build step (docs/console.md). */
export const CONSOLE_PATH = '/console';

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

export interface ConsoleOptions {
  /**
   * Origins the console's scripts may also connect to, besides the hub itself (connect-src). Empty for
   * pasted tokens; an identity provider's token endpoint goes here once OpenID Connect sign-in is added.
   */
  extraConnectSrc?: readonly string[];
  /** Sign-in through an identity provider (CONSOLE_OIDC_*); absent or null: sign in by pasting a token. */
  oidc?: ConsoleOidcSettings | null;
}

/** What the console reads at start-up: which sign-in options exist. `oidc: null`: paste a token only. */
export interface ConsoleClientConfig {
  oidc: ConsoleOidcSettings | null;
}

/**
 * The console's content security policy: only the hub's own files run, no inline script or style, no
 * form posts (the console sends GraphQL with fetch), never framed, no <base>. Built by helmet so the
 * header's syntax is a well-kept library's job.
 */
export function consoleSecurityDirectives(options: ConsoleOptions = {}): Record<string, string[]> {
  for (const origin of options.extraConnectSrc ?? []) {
    // A directive value with a space or ';' would smuggle in another source or directive.
    if (!/^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(origin)) throw new Error(`console connect-src: ${JSON.stringify(origin)} is not an https origin`);
  }
  // The identity provider's origin (its settings allow plain http on this machine only, for development).
  return {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'connect-src': ["'self'", ...(options.extraConnectSrc ?? []), ...oidcConnectSources(options.oidc ?? null)],
    'img-src': ["'self'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
  };
}

/** The console under CONSOLE_PATH: its pages, scripts and styles, and its client configuration. */
export function consoleRouter(options: ConsoleOptions = {}): Router {
  const router = express.Router();
  router.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: consoleSecurityDirectives(options) },
      referrerPolicy: { policy: 'no-referrer' },
    }),
    (_req, res, next) => {
      // Pages may show personal data once loaded: no copy in any cache, the browser's included.
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
  );
  router.get('/config.json', (_req, res) => {
    const config: ConsoleClientConfig = { oidc: options.oidc ?? null };
    res.json(config);
  });
  // The OIDC client library's own browser build, served as it ships: no bundler, nothing rewritten.
  router.get('/vendor/oauth4webapi.js', (_req, res) => {
    res.type('text/javascript').sendFile(oauth4webapiBrowserBuild());
  });
  router.use(express.static(PUBLIC_DIR, { index: 'index.html', dotfiles: 'deny', etag: false, lastModified: false, cacheControl: false }));
  return router;
}
