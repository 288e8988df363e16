/**
 * The policy report: what it says for the demo policy, in the file's Dutch descriptions; a fragment the
 * console's Content-Security-Policy accepts, whatever the policy file's descriptions hold; and
 * `npm run policy:report` as a privacy officer runs it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parsePolicies } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import { renderHtmlFragment, renderHtmlPage, renderMarkdown } from '../../src/policy-report/document.ts';
import { policyReportBlocks } from '../../src/policy-report/policy-report.ts';
import { buildVisibilityModel } from '../../src/policy-report/visibility.ts';
import { shippedPolicy, withLine } from '../support/policy-file-fixture.ts';
import { runTsx } from '../cli/run-cli.ts';

vi.setConfig({ testTimeout: 60_000 });

const schema = publicSchemaForPolicyCheck();
const reportOf = (text: string) => policyReportBlocks(buildVisibilityModel(parsePolicies(text, 'schema/field-policies.yaml', schema)), 'schema/field-policies.yaml');
const markdown = renderMarkdown(reportOf(shippedPolicy));

/** The Markdown section of one role × purpose, from its heading to the next. */
function section(text: string, roleKey: string, purposeKey: string): string {
  const start = text.split('\n## ').find((part) => part.split('\n')[0].includes(`[${roleKey}], for`) && part.split('\n')[0].includes(`[${purposeKey}]`));
  if (!start) throw new Error(`no section for ${roleKey} × ${purposeKey}`);
  return start;
}

/** The table row of a section that names the field. */
function rowOf(text: string, coordinate: string): string {
  const row = text.split('\n').find((line) => line.startsWith('|') && new RegExp(`[ ,]${coordinate.replace('.', '\\.')}(,| \\|)`).test(line));
  if (!row) throw new Error(`no row names ${coordinate}`);
  return row;
}

describe('the policy report of the demo policy', () => {
  it('shows the GGZ fields to a wijkcoach for wijkteam support only with consent', () => {
    const wijkcoach = section(markdown, 'wijkcoach', 'wijkteam-ondersteuning');
    for (const field of ['Care.inCare', 'Care.trajectoryKind', 'Care.responsiblePractitioner', 'Care.crisisPlanPresent', 'Person.care']) {
      const row = rowOf(wijkcoach, field);
      expect(row).toContain("only with the person's consent and involvement");
      expect(row).not.toContain('break-the-glass');
      expect(row).toContain('Geestelijke gezondheidszorg'); // the category by its description
    }
    expect(rowOf(wijkcoach, 'Housing.monthlyRent')).toContain('with involvement, on legal basis Publieke taak van de gemeente (AVG art. 6 lid 1 sub e) [wmo-wijkteam]; or under break-the-glass');
  });

  it('shows the arrears signal to the debt worker for early signalling without involvement, and not the amount', () => {
    const debtWorker = section(markdown, 'schuldhulpverlener', 'vroegsignalering-schulden');
    expect(rowOf(debtWorker, 'Housing.rentArrearsTwoMonthsOrMore')).toContain('always, on legal basis Wettelijke taak van de gemeente');
    expect(rowOf(debtWorker, 'Housing.rentArrearsAmount')).toContain('never: role not covered');
  });

  it('names roles and purposes by their descriptions and starts with the summary', () => {
    expect(markdown.indexOf('## Summary')).toBeLessThan(markdown.indexOf('## Professional van het sociaal wijkteam (regisseur of betrokken hulpverlener) [wijkcoach], for Integrale ondersteuning'));
    expect(markdown).toMatch(/\| Medewerker schuldhulpverlening van de gemeente \[schuldhulpverlener\] \| Vroegsignalering van betalingsachterstanden \(Wet gemeentelijke schuldhulpverlening\) \[vroegsignalering-schulden\] \| 2 \| 0 \| 0 \| 0 \| \d+ \|/);
  });
});

describe('the report as HTML', () => {
  // A hostile or careless description: markup, an inline style, a pipe that would break a Markdown table.
  const hostile = withLine('wijkcoach: Professional van het sociaal wijkteam (regisseur of betrokken hulpverlener)', 'wijkcoach: "<script>alert(1)</script><b style=\\"color:red\\">x</b> | y"').text;
  const blocks = reportOf(hostile);

  it('gives the console a fragment without script or inline style, with every description escaped', () => {
    const fragment = renderHtmlFragment(blocks);
    expect(fragment).not.toMatch(/<script/i);
    expect(fragment).not.toMatch(/<[a-z][^>]*\sstyle\s*=/i); // no element with a style attribute
    expect(fragment).not.toMatch(/<style/i);
    expect(fragment).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;b style=&quot;color:red&quot;&gt;x&lt;/b&gt;');
    // The demo policy's fragment has no style= at all, not even as text.
    expect(renderHtmlFragment(reportOf(shippedPolicy))).not.toMatch(/style=|<script/i);
    expect(fragment).toMatch(/^<article class="policy-document">/);
  });

  it('gives a standalone page its own stylesheet, and still no script', () => {
    const page = renderHtmlPage('Policy report', blocks);
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<style>');
    expect(page).not.toMatch(/<script/i);
  });

  it('keeps a pipe in a description inside its Markdown table cell', () => {
    const md = renderMarkdown(blocks);
    expect(md).toContain('x&lt;/b&gt; \\| y [wijkcoach]');
    expect(md).not.toMatch(/<script/i);
  });
});

describe('npm run policy:report', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'policy-report-'));
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it('writes the page and the Markdown into --out and says where', async () => {
    const out = path.join(folder, 'out');
    const run = await runTsx('src/cli/policy-report.ts', ['--out', out]);
    expect(run).toMatchObject({ code: 0, stdout: `Wrote ${path.join(out, 'policy-report.html')} and ${path.join(out, 'policy-report.md')}\n` });
    expect(await readFile(path.join(out, 'policy-report.md'), 'utf8')).toBe(markdown);
    expect(await readFile(path.join(out, 'policy-report.html'), 'utf8')).toMatch(/^<!doctype html>[\s\S]*Policy report: who may see what/);
  });

  it('reports on a git revision of the policy file', async () => {
    const run = await runTsx('src/cli/policy-report.ts', ['--out', path.join(folder, 'head'), 'HEAD']);
    expect(run.code).toBe(0);
    expect(await readFile(path.join(folder, 'head', 'policy-report.md'), 'utf8')).toContain('Policy file: HEAD:schema/field-policies.yaml.');
  });

  it('refuses what is neither a file nor a revision with a clear message and exit code 2', async () => {
    const run = await runTsx('src/cli/policy-report.ts', ['--out', folder, '--file', 'no-such-policy.yaml']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe("policy:report: 'no-such-policy.yaml' is neither a file nor a git revision with schema/field-policies.yaml\n");
  });
});
