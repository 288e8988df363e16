// Page 1: search the access log. Every search is a POST with the filter (BSN included) in the body;
// the hub records the search itself in the access log.
import { byId, el, focusOn, formatDateTime, listText, showError } from '../dom.js';
import { graphql } from '../hub.js';

const PAGE_SIZE = 25;
const SEARCH = `query ConsoleAccessLog($filter: AccessRecordFilter, $limit: Int, $offset: Int) {
  accessRecords(filter: $filter, limit: $limit, offset: $offset) {
    totalCount
    records {
      id endTime professional roles organisationId purpose subjectKind dataSubjectBsn
      fieldsReleased fieldsWithheld fieldBases { field basis } breakGlassGrantId
    }
  }
}`;

let filter = null;
let offset = 0;

/** The form as the hub's AccessRecordFilter; dates are whole days in the browser's time zone. */
function filterFromForm() {
  const value = (id) => byId(id).value.trim();
  const result = {};
  if (value('log-bsn')) result.bsn = value('log-bsn');
  if (value('log-professional')) result.professional = value('log-professional');
  if (value('log-organisation')) result.organisationId = value('log-organisation');
  if (value('log-from')) result.from = new Date(`${value('log-from')}T00:00:00`).toISOString();
  if (value('log-to')) {
    const dayAfter = new Date(`${value('log-to')}T00:00:00`);
    dayAfter.setDate(dayAfter.getDate() + 1);
    result.to = dayAfter.toISOString();
  }
  return result;
}

function basesText(record) {
  const bases = [...new Set((record.fieldBases ?? []).map((entry) => entry.basis))];
  return listText(bases);
}

function subjectText(record) {
  if (record.dataSubjectBsn) return record.subjectKind === 'BSN' ? `BSN ${record.dataSubjectBsn} (niet gevonden)` : `BSN ${record.dataSubjectBsn}`;
  return record.subjectKind === 'SEARCH' ? 'zoekvraag zonder resultaat' : `opzoeking zonder resultaat (${record.subjectKind})`;
}

function row(record) {
  return el('tr', {},
    el('td', {}, formatDateTime(record.endTime)),
    el('td', {}, `${record.professional ?? ''} (${listText(record.roles)})`),
    el('td', {}, record.organisationId ?? ''),
    el('td', {}, record.purpose ?? ''),
    el('td', {}, subjectText(record)),
    el('td', {}, listText(record.fieldsReleased)),
    el('td', {}, listText(record.fieldsWithheld)),
    el('td', {}, basesText(record)),
    el('td', {}, record.breakGlassGrantId ? 'ja' : 'nee'),
  );
}

async function search() {
  showError('log-error', null);
  let page;
  try {
    page = (await graphql(SEARCH, { filter, limit: PAGE_SIZE, offset })).accessRecords;
  } catch (error) {
    byId('log-results').hidden = true;
    showError('log-error', error);
    return;
  }
  const records = page?.records ?? [];
  byId('log-rows').replaceChildren(...records.map(row));
  const total = page?.totalCount ?? 0;
  byId('log-count').textContent = total === 0
    ? 'Geen toegangsregels gevonden.'
    : `Toegangsregels ${offset + 1} tot en met ${offset + records.length} van ${total}.`;
  byId('log-previous').disabled = offset === 0;
  byId('log-next').disabled = offset + records.length >= total;
  byId('log-results').hidden = false;
  focusOn('log-results-title');
}

export const logPage = {
  init() {
    byId('log-form').addEventListener('submit', (event) => {
      event.preventDefault();
      filter = filterFromForm();
      offset = 0;
      search();
    });
    byId('log-previous').addEventListener('click', () => {
      offset = Math.max(0, offset - PAGE_SIZE);
      search();
    });
    byId('log-next').addEventListener('click', () => {
      offset += PAGE_SIZE;
      search();
    });
  },
  show() {},
  clear() {
    byId('log-form').reset();
    byId('log-rows').replaceChildren();
    byId('log-results').hidden = true;
    showError('log-error', null);
    filter = null;
    offset = 0;
  },
};
