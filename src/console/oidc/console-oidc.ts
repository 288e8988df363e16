import { createRequire } from 'node:module';

/**
 * Sign-in to the console through the organisation's identity provider (OpenID Connect, authorization code
 * flow with PKCE). The browser does the flow itself as a public client (src/console/public/oidc-sign-in.js,
 * with oauth4webapi); the hub only tells it where the provider is (GET /console/config.json) and serves the
 * library (src/console/console-router.ts). The access token
 * it gets is the same kind of token every other front end sends: the gateway verifies it against
 * AUTH_ISSUER / AUTH_JWKS_URL / AUTH_AUDIENCE, so the console gains no way in that other callers lack.
 */
export interface ConsoleOidcSettings {
  /** The provider's issuer identifier; discovery is read from `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** The console's client id at the provider: a public client (no secret) with PKCE. */
  clientId: string;
  scope: string;
  /** RFC 8707 resource indicator for the hub, when the provider issues access tokens per resource. */
  resource: string | null;
}

export const CONSOLE_OIDC_VARIABLES = {
  CONSOLE_OIDC_ISSUER: "Identity provider for the privacy officers' console (OpenID Connect, code flow with PKCE); unset: sign in by pasting a token",
  CONSOLE_OIDC_CLIENT_ID: "The console's client id at that provider (a public client; redirect URI <hub>/console/)",
  CONSOLE_OIDC_SCOPE: 'Scopes the console asks for (default "openid")',
  CONSOLE_OIDC_RESOURCE: 'Resource indicator (RFC 8707) for the hub, when the provider issues access tokens per resource (default: none sent)',
} as const;

/** The console's OIDC settings, or null when none are configured (sign-in by pasting a token). */
export function loadConsoleOidcSettings(env: NodeJS.ProcessEnv, hubAcceptsProviderTokens: boolean): ConsoleOidcSettings | null {
  const issuer = env.CONSOLE_OIDC_ISSUER?.trim();
  if (!issuer) return null;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error('CONSOLE_OIDC_ISSUER must be a URL');
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new Error('CONSOLE_OIDC_ISSUER must use https (plain http only on this machine)');
  const clientId = env.CONSOLE_OIDC_CLIENT_ID?.trim();
  if (!clientId) throw new Error('CONSOLE_OIDC_CLIENT_ID is required with CONSOLE_OIDC_ISSUER');
  // Without AUTH_JWKS_URL the gateway trusts only its demo issuer: every token from the provider would be refused.
  if (!hubAcceptsProviderTokens) throw new Error('CONSOLE_OIDC_ISSUER needs AUTH_JWKS_URL and AUTH_ISSUER: the gateway must accept the provider\'s tokens');
  return { issuer, clientId, scope: env.CONSOLE_OIDC_SCOPE?.trim() || 'openid', resource: env.CONSOLE_OIDC_RESOURCE?.trim() || null };
}

/** Origins the console's pages must be allowed to connect to (Content-Security-Policy connect-src). */
export function oidcConnectSources(settings: ConsoleOidcSettings | null): string[] {
  return settings ? [new URL(settings.issuer).origin] : [];
}

/** Where oauth4webapi's browser build is (node_modules), for the console's router to serve. */
export function oauth4webapiBrowserBuild(): string {
  return createRequire(import.meta.url).resolve('oauth4webapi');
}
