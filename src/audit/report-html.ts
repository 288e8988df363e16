import type { OfficerContact } from '../supervision/officer-contact.ts';
import type { PartnerProcessing, ReportAccess, SubjectAccessReport } from './subject-access-report.ts';

/**
 * The subject access report as a self-contained HTML page in Dutch that a resident can read and print:
 * descriptions instead of keys, the period it covers, the hub's accesses with what was asked but not shown,
 * the partners' processing in the same requests, and how to reach the privacy officer. No script, no
 * external resources; a print stylesheet keeps rows whole and shows link targets.
 */
export function renderReportHtml(report: SubjectAccessReport): string {
  return `<!doctype html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(report.title)}</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }
    table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
    th, td { border-bottom: 1px solid #ccc; padding: .5rem; text-align: left; vertical-align: top; }
    small, .muted { color: #555; }
    .withheld { color: #7a3b00; }
    .contact { border: 1px solid #ccc; padding: .75rem 1rem; }
    @media print {
      body { max-width: none; margin: 0; font-size: 10.5pt; color: #000; }
      @page { margin: 1.5cm; }
      tr, .contact { break-inside: avoid; }
      thead { display: table-header-group; }
      h2 { break-after: avoid; }
      a { color: #000; text-decoration: none; }
      a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 90%; }
      small, .muted, .withheld { color: #000; }
    }
  </style>
</head>
<body>
  <h1>${escapeHtml(report.title)}</h1>
  <p>Opgesteld op ${escapeHtml(dateTime(report.generatedAt))}.</p>
  <p><strong>Periode:</strong> ${report.periodFrom ? `${escapeHtml(dateTime(report.periodFrom))} tot ${escapeHtml(dateTime(report.periodTo))}` : `tot ${escapeHtml(dateTime(report.periodTo))}`}.
  <span class="muted">${escapeHtml(report.periodDescription)}</span></p>
  <p>${escapeHtml(report.summary)}</p>

  <h2>Wie heeft uw gegevens via de hub opgevraagd</h2>
${report.accesses.length > 0 ? accessTable(report.accesses) : '  <p>Niemand.</p>'}

  <h2>Wat de partners daarbij over u verwerkten</h2>
  <p>Bij een verzoek via de hub zoeken de partners (woningcorporatie, schuldhulpverlening, GGZ) zelf gegevens over u op. Dat houden zij bij in hun eigen verwerkingslog.</p>
${report.partnerProcessing.length > 0 ? partnerTable(report.partnerProcessing) : '  <p>Geen verwerkingen gevonden.</p>'}
${report.partnersUnavailable.length > 0 ? `  <p class="withheld">Kon niet worden opgevraagd: ${report.partnersUnavailable.map(escapeHtml).join(', ')}. Wat deze partners verwerkt hebben staat daarom niet in dit overzicht; vraag ernaar bij de functionaris gegevensbescherming.</p>` : ''}

  <h2>Vragen of bezwaar</h2>
  <p>U heeft het recht te weten wie uw gegevens heeft bekeken en waarom (artikel 15 AVG). Heeft u vragen, of
  denkt u dat iemand uw gegevens zonder goede reden heeft bekeken? Neem dan contact op met de functionaris
  gegevensbescherming.</p>
${contactBlock(report.officerContact)}
</body>
</html>
`;
}

function accessTable(accesses: readonly ReportAccess[]): string {
  const rows = accesses.map(
    (access) => `      <tr>
        <td>${escapeHtml(dateTime(access.when))}</td>
        <td>${escapeHtml(access.organisation)}<br><small>${escapeHtml(access.roleDescriptions.join(', '))}</small></td>
        <td>${escapeHtml(access.purposeDescription)}</td>
        <td>${access.categories.length > 0 ? access.categories.map(escapeHtml).join('<br>') : '<em>niets getoond</em>'}${access.withheldCategories.length > 0 ? `<br><span class="withheld">Gevraagd maar niet getoond: ${access.withheldCategories.map(escapeHtml).join('; ')}</span>` : ''}</td>
        <td>${access.bases.map((basis) => (basis.kind === 'toestemming' ? `Uw toestemming<br><small>kenmerk ${escapeHtml(basis.consentId ?? '')}</small>` : `${escapeHtml(basis.description)}`)).join('<br>') || '&ndash;'}</td>
      </tr>`,
  );
  return `  <table>
    <thead><tr><th>Wanneer</th><th>Wie</th><th>Waarvoor</th><th>Welke gegevens</th><th>Op welke grond</th></tr></thead>
    <tbody>
${rows.join('\n')}
    </tbody>
  </table>`;
}

function partnerTable(entries: readonly PartnerProcessing[]): string {
  const rows = entries.map(
    (entry) => `      <tr>
        <td>${escapeHtml(dateTime(entry.when))}</td>
        <td>${escapeHtml(entry.organisation)}</td>
        <td>${escapeHtml(entry.purposeDescription)}</td>
        <td>${entry.categories.length > 0 ? entry.categories.map(escapeHtml).join('<br>') : '&ndash;'}</td>
        <td><small>${escapeHtml(entry.traceId)}</small></td>
      </tr>`,
  );
  return `  <table>
    <thead><tr><th>Wanneer</th><th>Welke partner</th><th>Waarvoor</th><th>Welke gegevens</th><th>Kenmerk van het verzoek</th></tr></thead>
    <tbody>
${rows.join('\n')}
    </tbody>
  </table>`;
}

function contactBlock(contact: OfficerContact | null): string {
  if (!contact) return '';
  const lines = [
    contact.name ? `<strong>${escapeHtml(contact.name)}</strong>` : '',
    contact.email ? `E-mail: <a href="mailto:${escapeHtml(contact.email)}">${escapeHtml(contact.email)}</a>` : '',
    contact.phone ? `Telefoon: ${escapeHtml(contact.phone)}` : '',
    contact.postalAddress ? `Post: ${escapeHtml(contact.postalAddress)}` : '',
    // Only a web address becomes a link: a configured value must not smuggle in another scheme.
    contact.url ? (/^https?:\/\//.test(contact.url) ? `<a href="${escapeHtml(contact.url)}">${escapeHtml(contact.url)}</a>` : escapeHtml(contact.url)) : '',
  ].filter(Boolean);
  return `  <address class="contact">${lines.join('<br>')}</address>`;
}

function dateTime(iso: string): string {
  return new Date(iso).toLocaleString('nl-NL', { timeZone: 'Europe/Amsterdam' });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
