import type { SubjectAccessReport } from './subject-access-report.ts';

/** The subject access report as a self-contained, printable HTML page in Dutch. */
export function renderReportHtml(report: SubjectAccessReport): string {
  const rows = report.accesses
    .map(
      (access) => `      <tr>
        <td>${escapeHtml(new Date(access.when).toLocaleString('nl-NL', { timeZone: 'Europe/Amsterdam' }))}</td>
        <td>${escapeHtml(access.organisation)}<br><small>${escapeHtml(access.roles.join(', '))}</small></td>
        <td>${escapeHtml(access.purposeDescription)}</td>
        <td>${access.categories.length > 0 ? access.categories.map(escapeHtml).join('<br>') : '<em>niets getoond</em>'}</td>
        <td>${access.bases.map((basis) => (basis.kind === 'toestemming' ? `Uw toestemming<br><small>kenmerk ${escapeHtml(basis.consentId ?? '')}</small>` : `${escapeHtml(basis.name ?? 'onbekend')}<br><small>${escapeHtml(basis.description)}</small>`)).join('<br>') || '&ndash;'}</td>
      </tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <title>${escapeHtml(report.title)}</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; line-height: 1.5; color: #1a1a1a; }
    table { border-collapse: collapse; width: 100%; }
    th, td { border-bottom: 1px solid #ccc; padding: .5rem; text-align: left; vertical-align: top; }
    small { color: #555; }
  </style>
</head>
<body>
  <h1>${escapeHtml(report.title)}</h1>
  <p>Opgesteld op ${escapeHtml(new Date(report.generatedAt).toLocaleString('nl-NL', { timeZone: 'Europe/Amsterdam' }))}.</p>
  <p>${escapeHtml(report.summary)}</p>
  <p>U heeft het recht te weten wie uw gegevens heeft bekeken en waarom (artikel 15 AVG). Heeft u vragen, of
  denkt u dat iemand uw gegevens zonder goede reden heeft bekeken? Neem dan contact op met de functionaris
  gegevensbescherming van de gemeente.</p>
  <table>
    <thead><tr><th>Wanneer</th><th>Wie</th><th>Waarvoor</th><th>Welke gegevens</th><th>Op welke grond</th></tr></thead>
    <tbody>
${rows}
    </tbody>
  </table>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
