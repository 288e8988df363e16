/**
 * What a change to the policy alters, in words: who gains and who loses access to which field, and which
 * checks it weakens. For a merge request: exit 1 when access widens, so the privacy officer must approve.
 *
 *   npm run policy:diff -- <old> <new> [--html <file>]
 *
 * <old> and <new> are each a policy file or a git revision (`main`, `HEAD~1`, `main:schema/field-policies.yaml`).
 * Prints the diff as Markdown; --html also writes it as an HTML fragment. Exit 0: access does not widen;
 * 1: access widens (the reasons are printed); 2: bad input (a message says what).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PolicySourceError, readPolicySource } from '../policy/policy-source.ts';
import { renderHtmlFragment, renderMarkdown } from '../policy-report/document.ts';
import { diffPolicies, policyDiffBlocks } from '../policy-report/policy-diff.ts';
import { comparedVersion } from '../policy-report/compared-version.ts';
import { PolicyInputError } from '../policy-report/read-policy.ts';

const USAGE = 'usage: npm run policy:diff -- <old policy file or git revision> <new policy file or git revision> [--html <file>]';

function main(): number {
  let values: { html?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ options: { html: { type: 'string' } }, allowPositionals: true }));
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (positionals.length !== 2) return fail(`name two policies, the old and the new\n${USAGE}`);
  try {
    const [before, after] = positionals.map((spec) => readPolicySource(spec));
    const diff = diffPolicies(comparedVersion(before), comparedVersion(after));
    const blocks = policyDiffBlocks(diff, before.label, after.label);
    process.stdout.write(renderMarkdown(blocks));
    if (values.html) writeFileSync(values.html, renderHtmlFragment(blocks));
    return diff.widens ? 1 : 0;
  } catch (error) {
    if (error instanceof PolicySourceError || error instanceof PolicyInputError) return fail(error.message);
    if ((error as NodeJS.ErrnoException).syscall) return fail(`cannot write ${values.html}: ${(error as NodeJS.ErrnoException).code}`);
    throw error;
  }
}

function fail(message: string): number {
  process.stderr.write(`policy:diff: ${message}\n`);
  return 2;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`policy:diff: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
