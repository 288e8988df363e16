import type { ConformanceReport } from './run-conformance.ts';

/** One line per check, then the summary; no BSNs, no tokens. */
export function formatReport(report: ConformanceReport): string {
  const lines = report.results.map((result) => `${result.passed ? 'PASS' : 'FAIL'} ${result.name} — ${result.reason}`);
  const failed = report.results.filter((result) => !result.passed).length;
  const verdict = failed === 0 ? 'conforms' : `does NOT conform: ${failed} of ${report.results.length} checks failed`;
  lines.push(`${report.results.length - failed}/${report.results.length} checks passed: the ${report.domain} adapter at ${report.url} ${verdict}`);
  return `${lines.join('\n')}\n`;
}

/** The same verdicts for machines (`--json`). */
export function jsonReport(report: ConformanceReport): string {
  return `${JSON.stringify({ url: report.url, domain: report.domain, passed: report.passed, checks: report.results }, null, 2)}\n`;
}
