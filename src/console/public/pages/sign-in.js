// Sign-in: by pasting a token, or (when the hub is configured with CONSOLE_OIDC_*) through the
// organisation's identity provider with OpenID Connect (../oidc-sign-in.js). Either way the hub decides
// whether the token may act as a privacy officer: the console asks it for access records that ended
// before 1970 (there are none, so no one's data is handed out; the hub logs the search), and any other
// role gets the hub's own refusal.
import { byId, el, showError } from '../dom.js';
import { forgetToken, graphql, signIn } from '../hub.js';
import { completeOidcSignIn, startOidcSignIn } from '../oidc-sign-in.js';

const OFFICER_CHECK = `query ConsoleSignInCheck($filter: AccessRecordFilter) {
  accessRecords(filter: $filter, limit: 1) { totalCount }
}`;
const NOTHING_BEFORE = '1970-01-01T00:00:00Z';

/** Takes the token into memory if the hub lets it act as an officer; else forgets it and says why. */
async function acceptToken(token, onSignedIn) {
  signIn(token);
  try {
    await graphql(OFFICER_CHECK, { filter: { to: NOTHING_BEFORE } });
  } catch (error) {
    forgetToken();
    showError('signin-error', { message: `Aanmelden geweigerd: dit token kan niet werken als functionaris gegevensbescherming. De hub zegt: ${error.message}` });
    return;
  }
  onSignedIn('Aangemeld als functionaris gegevensbescherming');
}

/** What the hub offers besides pasting a token: `{ oidc: null }` or the identity provider's settings. */
async function consoleConfig() {
  try {
    const response = await fetch('config.json', { cache: 'no-store', credentials: 'omit' });
    return response.ok ? await response.json() : { oidc: null };
  } catch {
    return { oidc: null };
  }
}

/** The second sign-in option: a button that leaves for the provider, and the return from it. */
async function offerOidc(settings, onSignedIn) {
  const holder = byId('signin-oidc');
  const button = el('button', { type: 'button', id: 'signin-oidc-start' }, 'Aanmelden via uw organisatie');
  button.addEventListener('click', () => {
    showError('signin-error', null);
    startOidcSignIn(settings).catch(() => showError('signin-error', { message: 'De identiteitsprovider is niet bereikbaar. Probeer het later opnieuw, of plak een token.' }));
  });
  holder.replaceChildren(el('h2', {}, 'Of meld u aan via uw organisatie'), button);
  holder.hidden = false;
  let token;
  try {
    token = await completeOidcSignIn(settings);
  } catch (error) {
    showError('signin-error', { message: error.message });
    return;
  }
  if (token) await acceptToken(token, onSignedIn);
}

export const signInPage = {
  init({ onSignedIn }) {
    byId('signin-token-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const field = byId('signin-token');
      const pasted = field.value.trim().replace(/^bearer\s+/i, '');
      field.value = ''; // out of the form at once, whatever the outcome
      showError('signin-error', null);
      if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(pasted)) {
        showError('signin-error', { message: 'Dit is geen token: plak het hele token (drie delen, gescheiden door punten).' });
        return;
      }
      await acceptToken(pasted, onSignedIn);
    });
    consoleConfig().then((config) => (config.oidc ? offerOidc(config.oidc, onSignedIn) : undefined));
  },
};
