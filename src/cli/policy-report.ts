/**
 * The policy report for privacy officers: who may see what, per role × purpose, decided by the hub's own code.
 *
 *   npm run policy:report [-- --out <dir>] [--file <policy file> | <git revision>]
 *
 * Writes <dir>/policy-report.html (a page of its own) and <dir>/policy-report.md (for a merge request);
 * default dir: <ONTSCHOT_DATA_DIR>/policy-report. Default policy: POLICY_FILE or schema/field-policies.yaml.
 * Exit 0 when written, 2 on bad input (with a message saying what).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadGatewayConfig } from '../config/env.ts';
import { PolicySourceError, readPolicySource } from '../policy/policy-source.ts';
import { renderHtmlPage, renderMarkdown } from '../policy-report/document.ts';
import { policyReportBlocks } from '../policy-report/policy-report.ts';
import { PolicyInputError, parsePolicySource } from '../policy-report/read-policy.ts';
import { buildVisibilityModel } from '../policy-report/visibility.ts';

const USAGE = 'usage: npm run policy:report [-- --out <dir>] [--file <policy file> | <git revision>]';

function main(): number {
  let values: { out?: string; file?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ options: { out: { type: 'string' }, file: { type: 'string' } }, allowPositionals: true }));
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (positionals.length > 1 || (values.file && positionals.length > 0)) return fail(`name one policy: a file or a git revision\n${USAGE}`);
  const config = loadGatewayConfig();
  const spec = values.file ?? positionals[0] ?? config.policyFile;
  const out = path.resolve(values.out ?? path.join(config.dataDir, 'policy-report'));
  try {
    const source = readPolicySource(spec);
    const blocks = policyReportBlocks(buildVisibilityModel(parsePolicySource(source)), source.label);
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'policy-report.html'), renderHtmlPage('Policy report', blocks));
    writeFileSync(path.join(out, 'policy-report.md'), renderMarkdown(blocks));
  } catch (error) {
    if (error instanceof PolicySourceError || error instanceof PolicyInputError) return fail(error.message);
    if ((error as NodeJS.ErrnoException).code && (error as NodeJS.ErrnoException).syscall) return fail(`cannot write the report to ${out}: ${(error as NodeJS.ErrnoException).code}`);
    throw error;
  }
  process.stdout.write(`Wrote ${path.join(out, 'policy-report.html')} and ${path.join(out, 'policy-report.md')}\n`);
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`policy:report: ${message}\n`);
  return 2;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`policy:report: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
