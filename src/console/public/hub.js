// The console's only connection to the hub: POST /graphql with the token as a Bearer header.
// The token lives in this module variable and nowhere else: not in localStorage, sessionStorage, a
// cookie or the address bar. Closing or reloading the page forgets it, and so does forgetToken().
let token = null;

export function signIn(pastedToken) {
  token = pastedToken;
}

export function forgetToken() {
  token = null;
}

export function isSignedIn() {
  return token !== null;
}

/** A refusal or failure the hub phrased itself (its messages carry no personal data), or ours. */
export class HubError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/** Hooks the app sets: what to do when the hub no longer accepts the token (expired, revoked). */
export const events = { onUnauthenticated: () => {} };

/**
 * Sends one GraphQL operation; personal data such as a BSN only ever goes in `variables`, in the body.
 * Resolves with `data`; rejects with a HubError carrying the hub's first error message and code.
 */
export async function graphql(query, variables = {}) {
  if (token === null) throw new HubError('U bent niet aangemeld.', 'UNAUTHENTICATED');
  let response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new HubError('De hub is niet bereikbaar. Probeer het later opnieuw.', 'NETWORK');
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new HubError(`De hub gaf een onleesbaar antwoord (HTTP ${response.status}).`, 'BAD_RESPONSE');
  }
  const error = body?.errors?.[0];
  if (error) {
    const code = error.extensions?.code ?? 'ERROR';
    if (code === 'UNAUTHENTICATED') events.onUnauthenticated();
    throw new HubError(typeof error.message === 'string' ? error.message : 'De hub weigerde het verzoek.', code);
  }
  if (!response.ok || !body?.data) throw new HubError(`De hub gaf geen antwoord (HTTP ${response.status}).`, 'BAD_RESPONSE');
  return body.data;
}
