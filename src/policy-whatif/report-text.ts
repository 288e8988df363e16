import { type Counts, UNKNOWN_REASONS, type UnknownReason, type WhatIfReport } from './report.ts';

/** The report as Markdown, readable in a terminal: what would change first, then per category. */
export function reportAsText(report: WhatIfReport): string {
  const lines: string[] = [];
  const changed = report.rows.filter((row) => row.releasedThenWithheld + row.withheldThenReleased + row.unknown > 0);
  lines.push(`# Dry run of ${report.candidate} against the access log`, '');
  lines.push(`Period: ${report.period.from} to ${report.period.to} (UTC). Replayed ${report.recordsReplayed} access record(s) about a person, ${report.accessesReplayed} field access(es).`, '');
  lines.push(`- released then, withheld under the candidate: ${report.totals.releasedThenWithheld}`);
  lines.push(`- withheld then, released under the candidate: ${report.totals.withheldThenReleased}`);
  lines.push(`- unchanged: ${report.totals.unchanged}`);
  lines.push(`- unknown (facts of that time no longer in the database): ${report.totals.unknown}`, '');
  if (report.accessesReplayed === 0) {
    lines.push('No access in this period.');
    return lines.join('\n');
  }
  lines.push('## Per role and field', '');
  if (changed.length === 0) lines.push('Nothing would have been decided differently.');
  else {
    lines.push('| role | field | category | released then, withheld now | withheld now as | withheld then, released now | unchanged | unknown |', '| --- | --- | --- | ---: | --- | ---: | ---: | ---: |');
    for (const row of changed) {
      const codes = Object.entries(row.withheldAs).map(([code, count]) => `${code} ${count}`).join(', ');
      lines.push(`| ${row.role} | ${row.field} | ${row.category} | ${row.releasedThenWithheld} | ${codes} | ${row.withheldThenReleased} | ${row.unchanged} | ${row.unknown} |`);
    }
  }
  const same = report.rows.length - changed.length;
  if (same > 0) lines.push('', `The other ${same} role × field combination(s) (${report.rows.filter((row) => !changed.includes(row)).reduce((sum, row) => sum + row.unchanged, 0)} access(es)) are unchanged; --json lists them all.`);
  lines.push('', '## Per category', '', '| category | description | released then, withheld now | withheld then, released now | unchanged | unknown |', '| --- | --- | ---: | ---: | ---: | ---: |');
  for (const row of report.categories) lines.push(`| ${row.category} | ${row.description} | ${countsCells(row)} |`);
  const unknown = Object.entries(report.unknown) as [UnknownReason, number][];
  if (unknown.length > 0) {
    lines.push('', '## Unknown', '');
    for (const [reason, count] of unknown) lines.push(`- ${count}: ${UNKNOWN_REASONS[reason]}`);
  }
  return lines.join('\n');
}

function countsCells(counts: Counts): string {
  return [counts.releasedThenWithheld, counts.withheldThenReleased, counts.unchanged, counts.unknown].join(' | ');
}
