// Page 2: the subject access report (AVG art. 15) as the resident reads it, ready to print. The print
// stylesheet (console.css, @media print) leaves only the report on paper.
import { byId, el, focusOn, formatDateTime, listText, showError } from '../dom.js';
import { graphql } from '../hub.js';

const REPORT = `query ConsoleSubjectAccessReport($bsn: String!) {
  subjectAccessReport(bsn: $bsn) {
    title generatedAt accessCount summary
    accesses { when organisation purposeDescription categories withheldCategories text bases { kind name description } }
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
      byId('report-accesses').replaceChildren(...(report.accesses ?? []).map(access));
      byId('report-document').hidden = false;
      focusOn('report-document-title');
    });
    byId('report-print').addEventListener('click', () => window.print());
  },
  show() {},
  clear() {
    byId('report-form').reset();
    byId('report-accesses').replaceChildren();
    byId('report-document').hidden = true;
    showError('report-error', null);
  },
};
