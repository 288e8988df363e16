// Page 2: the subject access report (AVG art. 15) as the resident reads it, ready to print. The print
// stylesheet (console.css, @media print) leaves only the report on paper.
import { byId, el, focusOn, formatDateTime, listText, showError } from '../dom.js';
import { graphql } from '../hub.js';

const REPORT = `query ConsoleSubjectAccessReport($bsn: String!) {
  subjectAccessReport(bsn: $bsn) {
    title generatedAt accessCount summary periodDescription
    accesses { when organisation purposeDescription categories withheldCategories text bases { kind name description } }
    partnerProcessing { when organisation purposeDescription categories text }
    partnersUnavailable
    officerContact { name email phone postalAddress url }
  }
}`;

function access(entry) {
  const bases = (entry.bases ?? []).map((basis) => basis.description || basis.name || basis.kind);
  return el('li', {},
    el('h3', {}, `${formatDateTime(entry.when)}: ${entry.organisation ?? ''}`),
    el('p', {}, entry.text ?? ''),
    el('dl', { class: 'facts' },
      el('dt', {}, 'Waarvoor'), el('dd', {}, entry.purposeDescription ?? ''),
      el('dt', {}, 'Ingezien'), el('dd', {}, listText(entry.categories)),
      el('dt', {}, 'Niet getoond'), el('dd', {}, listText(entry.withheldCategories)),
      el('dt', {}, 'Op grond van'), el('dd', {}, listText(bases)),
    ),
  );
}

function partnerEntry(entry) {
  return el('li', {},
    el('h3', {}, `${formatDateTime(entry.when)}: ${entry.organisation ?? ''}`),
    el('p', {}, entry.text ?? ''),
    el('dl', { class: 'facts' },
      el('dt', {}, 'Waarvoor'), el('dd', {}, entry.purposeDescription ?? ''),
      el('dt', {}, 'Verwerkt'), el('dd', {}, listText(entry.categories)),
    ),
  );
}

/** How the resident reaches the privacy officer; only a web address becomes a link, as on the printed page. */
function contactLines(contact) {
  if (!contact) return [];
  const lines = [];
  if (contact.name) lines.push(el('strong', {}, contact.name));
  if (contact.email) lines.push(el('span', {}, 'E-mail: ', el('a', { href: `mailto:${contact.email}` }, contact.email)));
  if (contact.phone) lines.push(el('span', {}, `Telefoon: ${contact.phone}`));
  if (contact.postalAddress) lines.push(el('span', {}, `Post: ${contact.postalAddress}`));
  if (contact.url) lines.push(/^https?:\/\//.test(contact.url) ? el('a', { href: contact.url }, contact.url) : el('span', {}, contact.url));
  return lines.flatMap((line, index) => (index === 0 ? [line] : [el('br'), line]));
}

export const reportPage = {
  init() {
    byId('report-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      showError('report-error', null);
      byId('report-document').hidden = true;
      let report;
      try {
        report = (await graphql(REPORT, { bsn: byId('report-bsn').value.trim() })).subjectAccessReport;
      } catch (error) {
        showError('report-error', error);
        return;
      }
      byId('report-document-title').textContent = report.title ?? 'Overzicht van inzage';
      byId('report-generated').textContent = `Opgesteld op ${formatDateTime(report.generatedAt)}.`;
      byId('report-summary').textContent = report.summary ?? '';
      byId('report-period').textContent = report.periodDescription ?? '';
      byId('report-accesses').replaceChildren(...(report.accesses ?? []).map(access));
      const partners = report.partnerProcessing ?? [];
      byId('report-partners').replaceChildren(...partners.map(partnerEntry));
      byId('report-partners-none').hidden = partners.length > 0;
      const unavailable = report.partnersUnavailable ?? [];
      byId('report-partners-unavailable').textContent = unavailable.length > 0
        ? `Niet opgevraagd kon worden wat deze partners verwerkten: ${unavailable.join(', ')}.`
        : '';
      byId('report-contact').replaceChildren(...contactLines(report.officerContact));
      byId('report-document').hidden = false;
      focusOn('report-document-title');
    });
    byId('report-print').addEventListener('click', () => window.print());
  },
  show() {},
  clear() {
    byId('report-form').reset();
    byId('report-accesses').replaceChildren();
    byId('report-partners').replaceChildren();
    byId('report-contact').replaceChildren();
    byId('report-document').hidden = true;
    showError('report-error', null);
  },
};
