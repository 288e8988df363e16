// Sign-in by pasting a token. The hub decides whether it may act as a privacy officer: the console
// asks it for access records that ended before 1970 (there are none, so no one's data is handed out;
// the hub logs the search), and any other role gets the hub's own refusal.
import { byId, showError } from '../dom.js';
import { forgetToken, graphql, signIn } from '../hub.js';

const OFFICER_CHECK = `query ConsoleSignInCheck($filter: AccessRecordFilter) {
  accessRecords(filter: $filter, limit: 1) { totalCount }
}`;
const NOTHING_BEFORE = '1970-01-01T00:00:00Z';

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
      signIn(pasted);
      try {
        await graphql(OFFICER_CHECK, { filter: { to: NOTHING_BEFORE } });
      } catch (error) {
        forgetToken();
        showError('signin-error', { message: `Aanmelden geweigerd: dit token kan niet werken als functionaris gegevensbescherming. De hub zegt: ${error.message}` });
        return;
      }
      onSignedIn('Aangemeld als functionaris gegevensbescherming');
    });
  },
};
