// Page 4: the policy report and the difference between two versions (queries in policy-api.js).
import { byId, el, focusOn, formatDateTime, showError } from '../dom.js';
import { loadPolicyDiff, loadPolicyReport } from '../policy-api.js';
import { safeFragment } from '../safe-fragment.js';

function versionLabel(version) {
  const hash = (version.sha256 ?? '').slice(0, 12);
  return `${hash}${version.current ? ' (huidig)' : ''}, ${formatDateTime(version.firstRunAt)} tot ${formatDateTime(version.lastRunAt)}`;
}

async function load() {
  showError('policy-error', null);
  let loaded;
  try {
    loaded = await loadPolicyReport();
  } catch (error) {
    showError('policy-error', error);
    return;
  }
  byId('policy-unavailable').hidden = loaded !== null;
  byId('policy-available').hidden = loaded === null;
  if (!loaded) return;
  byId('policy-report').replaceChildren(safeFragment(loaded.policyReport?.body ?? ''));
  const versions = loaded.policyVersions ?? [];
  const options = () => versions.map((version) => el('option', { value: version.id }, versionLabel(version)));
  byId('policy-from').replaceChildren(...options());
  byId('policy-to').replaceChildren(...options());
  // Newest first: compare the previous version with the current one by default.
  if (versions.length > 1) byId('policy-from').selectedIndex = 1;
}

export const policyPage = {
  init() {
    byId('policy-diff-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      showError('policy-error', null);
      let diff;
      try {
        diff = await loadPolicyDiff(byId('policy-from').value, byId('policy-to').value);
      } catch (error) {
        showError('policy-error', error);
        return;
      }
      byId('policy-widens').textContent = diff?.widens ? 'Let op: deze wijziging geeft meer toegang dan de vorige versie.' : 'Deze wijziging geeft geen extra toegang.';
      byId('policy-diff').replaceChildren(safeFragment(diff?.body ?? ''));
      focusOn('policy-diff-title');
    });
  },
  show() {
    load();
  },
  clear() {
    byId('policy-report').replaceChildren();
    byId('policy-diff').replaceChildren();
    byId('policy-widens').textContent = '';
    showError('policy-error', null);
  },
};
