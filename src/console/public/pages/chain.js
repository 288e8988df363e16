// Page 5: whether the access log's hash chains are intact (Query.accessLogIntegrity). No personal data.
import { byId, el, focusOn, formatDateTime, showError } from '../dom.js';
import { graphql } from '../hub.js';

const INTEGRITY = `query ConsoleChainStatus {
  accessLogIntegrity {
    intact checkedAt checkedRecords chains sealedChains unchainedRecords
    heads { chainId seq hash sealedSeq }
    problem { kind recordId message }
  }
}`;

const number = (value) => (value === null || value === undefined ? '–' : String(value));

async function check() {
  showError('chain-error', null);
  let result;
  try {
    result = (await graphql(INTEGRITY)).accessLogIntegrity;
  } catch (error) {
    byId('chain-result').hidden = true;
    showError('chain-error', error);
    return;
  }
  byId('chain-verdict').textContent = result.intact ? 'Het toegangslogboek is ongeschonden.' : 'Het toegangslogboek is NIET in orde.';
  byId('chain-checked-at').textContent = formatDateTime(result.checkedAt);
  byId('chain-records').textContent = number(result.checkedRecords);
  byId('chain-chains').textContent = number(result.chains);
  byId('chain-sealed').textContent = number(result.sealedChains);
  byId('chain-unchained').textContent = number(result.unchainedRecords);
  byId('chain-problem').textContent = result.problem ? `Probleem (${result.problem.kind}): ${result.problem.message}` : '';
  byId('chain-problem').setAttribute('role', result.problem ? 'alert' : 'status');
  byId('chain-heads').replaceChildren(...(result.heads ?? []).map((head) =>
    el('tr', {},
      el('td', {}, head.chainId ?? ''),
      el('td', {}, number(head.seq)),
      el('td', { class: 'hash' }, head.hash ?? ''),
      el('td', {}, head.sealedSeq === null ? 'nooit verzegeld' : number(head.sealedSeq)),
    )));
  byId('chain-result').hidden = false;
  focusOn('chain-verdict');
}

export const chainPage = {
  init() {
    byId('chain-refresh').addEventListener('click', check);
  },
  show() {
    check();
  },
  clear() {
    byId('chain-result').hidden = true;
    byId('chain-heads').replaceChildren();
    showError('chain-error', null);
  },
};
