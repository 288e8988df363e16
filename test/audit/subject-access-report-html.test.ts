import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/audit/report-html.ts';
import type { SubjectAccessReport } from '../../src/audit/subject-access-report.ts';

const REPORT: SubjectAccessReport = {
  title: 'Overzicht van inzage in uw gegevens',
  generatedAt: '2026-11-24T12:00:00.000Z',
  periodFrom: '2026-01-01T08:00:00.000Z',
  periodTo: '2026-11-24T12:00:00.000Z',
  periodDescription: 'Vanaf 1 januari 2026: de eerste registratie in het toegangslog.',
  officerContact: { name: 'FG <script>alert(1)</script>', email: 'fg@example.org', phone: null, postalAddress: 'Postbus 1', url: 'javascript:alert(1)' },
  accessCount: 0,
  summary: 'Er is niemand geweest die via de hub uw gegevens heeft opgevraagd.',
  accesses: [],
  partnerProcessing: [],
  partnersUnavailable: ['GGZ De Horizon'],
};

describe('the report page', () => {
  it('escapes configured text and links only a web address for the officer', () => {
    const html = renderReportHtml(REPORT);
    expect(html).not.toContain('<script>');
    expect(html).toContain('FG &lt;script&gt;');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('href="mailto:fg@example.org"');
    const linked = renderReportHtml({ ...REPORT, officerContact: { ...REPORT.officerContact!, url: 'https://example.org/fg' } });
    expect(linked).toContain('<a href="https://example.org/fg">');
  });

  it('says the period, that nobody looked, which partner could not be asked, and prints with its own stylesheet', () => {
    const html = renderReportHtml(REPORT);
    expect(html).toContain('de eerste registratie in het toegangslog');
    expect(html).toMatch(/Periode:<\/strong> 1-1-2026[^<]* tot 24-11-2026/);
    expect(html).toContain('Kon niet worden opgevraagd: GGZ De Horizon');
    expect(html).toMatch(/@media print \{[^]*break-inside: avoid/);
  });
});
