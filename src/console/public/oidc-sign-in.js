// @ts-check
/**
 * Sign-in through the organisation's identity provider: OpenID Connect authorization code flow with PKCE,
 * as a public client in the browser, with oauth4webapi (a maintained, dependency-free OAuth 2 / OIDC client
 * by the author of jose). The hub serves its browser build at ./vendor/oauth4webapi.js.
 *
 * What is kept where, and why:
 * - the PKCE code verifier and the state live in sessionStorage from the redirect to the provider until the
 *   redirect back, because the page is left in between; they are one-time secrets, no personal data, and are
 *   removed as soon as the code is exchanged (or the attempt fails);
 * - the access token is returned to the caller, which keeps it in memory only (never in storage or a URL);
 * - the code and state are removed from the address bar before anything else is done with them.
 */
import * as oauth from './vendor/oauth4webapi.js';

const PENDING_KEY = 'ontschot.console.oidc-pending';

/**
 * @typedef {{ issuer: string, clientId: string, scope: string, resource?: string | null }} OidcSettings
 */

/** The redirect URI the provider must have registered for this client: the console's own address. */
export function redirectUri() {
  return new URL('./', window.location.href).href.replace(/[?#].*$/, '');
}

/** @param {OidcSettings} settings */
async function authorizationServer(settings) {
  const issuer = new URL(settings.issuer);
  const options = issuer.protocol === 'http:' && isLoopback(issuer.hostname) ? { [oauth.allowInsecureRequests]: true } : {};
  const response = await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oidc' });
  return { as: await oauth.processDiscoveryResponse(issuer, response), options };
}

/** Plain http is accepted only for a provider on this machine (development and tests). */
function isLoopback(hostname) {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/**
 * Leaves the console for the provider's sign-in page.
 * @param {OidcSettings} settings
 */
export async function startOidcSignIn(settings) {
  const { as } = await authorizationServer(settings);
  if (!as.authorization_endpoint) throw new Error('De identiteitsprovider noemt geen autorisatie-endpoint.');
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', settings.scope);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  if (settings.resource) url.searchParams.set('resource', settings.resource);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ codeVerifier, state }));
  window.location.assign(url.href);
}

/**
 * Completes a sign-in when the provider sent the browser back here (`?code=…&state=…` or `?error=…`):
 * returns the access token, or `null` when this page load is not a return from the provider.
 * Throws an Error with a Dutch message a privacy officer can act on when the sign-in failed.
 * @param {OidcSettings} settings
 * @returns {Promise<string | null>}
 */
export async function completeOidcSignIn(settings) {
  const returned = new URL(window.location.href);
  if (!returned.searchParams.has('state') && !returned.searchParams.has('code') && !returned.searchParams.has('error')) return null;
  // Out of the address bar (and so out of history and any later Referer) before anything else.
  window.history.replaceState(null, '', returned.pathname + returned.hash);
  const pendingText = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (!pendingText) throw new Error('Aanmelden is niet vanuit deze console begonnen; probeer het opnieuw.');
  const { codeVerifier, state } = JSON.parse(pendingText);
  const { as, options } = await authorizationServer(settings);
  const client = { client_id: settings.clientId };
  let parameters;
  try {
    parameters = oauth.validateAuthResponse(as, client, returned.searchParams, state);
  } catch (error) {
    throw new Error(error instanceof oauth.AuthorizationResponseError ? 'De identiteitsprovider heeft het aanmelden geweigerd.' : 'Het antwoord van de identiteitsprovider klopt niet (state); probeer het opnieuw.');
  }
  const additionalParameters = settings.resource ? { resource: settings.resource } : undefined;
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), parameters, redirectUri(), codeVerifier, { ...options, additionalParameters });
  try {
    const result = await oauth.processAuthorizationCodeResponse(as, client, response);
    return result.access_token;
  } catch {
    throw new Error('De identiteitsprovider gaf geen geldig toegangstoken.');
  }
}
