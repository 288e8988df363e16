// The console's shell: sign-in, sign-out and the hash routes (#/log, #/report, ...). A route names a
// page only; never an id or a BSN, which would end up in the browser's history.
import { byId, focusOn, showError } from './dom.js';
import { events, forgetToken, isSignedIn } from './hub.js';
import { signInPage } from './pages/sign-in.js';
import { logPage } from './pages/log.js';
import { reportPage } from './pages/report.js';
import { reviewsPage } from './pages/reviews.js';
import { policyPage } from './pages/policy.js';
import { chainPage } from './pages/chain.js';

const PAGES = { log: logPage, report: reportPage, reviews: reviewsPage, policy: policyPage, chain: chainPage };
const DEFAULT_PAGE = 'log';
const ALL_SECTIONS = ['signin', ...Object.keys(PAGES)];

function show(name) {
  for (const section of ALL_SECTIONS) byId(`page-${section}`).hidden = section !== name;
  for (const link of byId('main-nav').querySelectorAll('a')) {
    if (link.getAttribute('href') === `#/${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function setSignedInChrome(signedIn, who = '') {
  byId('main-nav').hidden = !signedIn;
  byId('sign-out').hidden = !signedIn;
  byId('signed-in').hidden = !signedIn;
  byId('signed-in').textContent = signedIn ? who : '';
}

function route() {
  if (!isSignedIn()) {
    show('signin');
    return;
  }
  const name = location.hash.replace(/^#\//, '');
  if (!(name in PAGES)) {
    location.replace(`#/${DEFAULT_PAGE}`); // fires hashchange, which routes again
    return;
  }
  show(name);
  focusOn(`${name}-title`);
  PAGES[name].show();
}

/** Forgets the token and every page's content (results may hold personal data), back to sign-in. */
function signOut(message = '') {
  forgetToken();
  for (const page of Object.values(PAGES)) page.clear();
  setSignedInChrome(false);
  showError('signin-error', message ? { message } : null);
  history.replaceState(null, '', location.pathname); // no page name left behind either
  show('signin');
  focusOn('signin-title');
}

function start() {
  for (const page of Object.values(PAGES)) page.init();
  signInPage.init({
    onSignedIn(who) {
      setSignedInChrome(true, who);
      if (location.hash === `#/${DEFAULT_PAGE}`) route();
      else location.hash = `#/${DEFAULT_PAGE}`;
    },
  });
  byId('sign-out').addEventListener('click', () => signOut());
  events.onUnauthenticated = () => signOut('De hub accepteert uw token niet meer (verlopen of ongeldig). Meld u opnieuw aan.');
  window.addEventListener('hashchange', route);
  route();
}

start();
