/**
 * `npm run policy:check` as a privacy officer runs it: the real policy file passes, and broken copies
 * fail with every problem as `file:line: message` and a non-zero exit code.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';

vi.setConfig({ testTimeout: 60_000 });

const POLICY_FILE = fileURLToPath(new URL('../../schema/field-policies.yaml', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/policy-check.ts', import.meta.url));

async function policyCheck(args: string[], policyFileVariable?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { POLICY_FILE: _inherited, ...env } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: policyFileVariable ? { ...env, POLICY_FILE: policyFileVariable } : env,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The 1-based number of the first line that starts with `text` (after indentation). */
function lineOf(source: string, text: string): number {
  const index = source.split('\n').findIndex((line) => line.trimStart().startsWith(text));
  if (index < 0) throw new Error(`'${text}' is not in the policy file`);
  return index + 1;
}

describe('npm run policy:check', () => {
  let original: string;
  let folder: string;
  beforeAll(async () => {
    original = await readFile(POLICY_FILE, 'utf8');
    folder = await mkdtemp(path.join(os.tmpdir(), 'policy-check-'));
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  async function brokenCopy(name: string, change: (text: string) => string): Promise<{ file: string; text: string }> {
    const text = change(original);
    expect(text).not.toBe(original); // the change must have applied
    const file = path.join(folder, `${name}.yaml`);
    await writeFile(file, text);
    return { file, text };
  }

  it('passes the policy file of the repository and counts the fields it covers', async () => {
    const fields = Object.values(parse(original).fields as Record<string, Record<string, unknown>>).reduce((n, type) => n + Object.keys(type).length, 0);
    const result = await policyCheck(['--file', POLICY_FILE]);
    expect(result).toMatchObject({ code: 0, stdout: `OK: ${fields} fields covered\n` });
  });

  const cases: [string, (text: string) => string, (text: string) => [string, number]][] = [
    [
      'an unknown field',
      (text) => text.replace('  Consent:\n', '  Consent:\n    signature: { basis: none }\n'),
      (text) => ["unknown field 'Consent.signature': not in the public schema", lineOf(text, 'signature: { basis: none }')],
    ],
    [
      'an unknown role',
      (text) => text.replace(/(verifyConsentReceipt: +\{ basis: none, roles: \[)/, '$1huisarts, '),
      (text) => ["unknown role 'huisarts'", lineOf(text, 'verifyConsentReceipt:')],
    ],
    [
      'an unknown basis',
      (text) => text.replace(/(withdrawConsent: +\{ category: toestemming, basis: )toestemmingsregistratie/, '$1mondelinge-afspraak'),
      (text) => ["'Mutation.withdrawConsent': unknown basis 'mondelinge-afspraak'", lineOf(text, 'withdrawConsent:')],
    ],
    [
      'a GGZ field with a legal basis',
      (text) => text.replace(/(inCare: +\{ category: ggz, basis: )consent/, '$1wmo-wijkteam'),
      (text) => ["'Care.inCare': category 'ggz' is a special category", lineOf(text, 'inCare:')],
    ],
    [
      'a GGZ field moved to an ordinary category (Care is marked @specialCategory in its contract)',
      (text) => text.replace(/(inCare: +\{ )category: ggz, basis: consent, roles: \[wijkcoach\], purposes: \[wijkteam-ondersteuning\]/, '$1category: wonen, basis: wmo-wijkteam'),
      (text) => ["'Care.inCare' is special-category data (type Care is marked @specialCategory in schema/domains/care.graphql), but is filed under category 'wonen'", lineOf(text, 'inCare:')],
    ],
    [
      'a field without a policy',
      (text) => text.replace(/\n +withdrawConsent: [^\n]*/, ''),
      // Reported where the `fields` mapping starts: the line after `fields:`.
      (text) => ["no policy for 'Mutation.withdrawConsent'", lineOf(text, 'fields:') + 1],
    ],
  ];
  it.each(cases)('fails on %s, naming file and line', async (name, change, expected) => {
    const { file, text } = await brokenCopy(name.replace(/\W+/g, '-'), change);
    const [message, line] = expected(text);
    const result = await policyCheck(['--file', file]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toContainEqual(expect.stringContaining(`${file}:${line}: ${message}`));
    expect(result.stdout).not.toMatch(/^OK/m);
  });

  it('checks POLICY_FILE when no --file is given', async () => {
    const missing = path.join(folder, 'missing.yaml');
    expect(await policyCheck([], missing)).toMatchObject({ code: 1, stdout: `${missing}: cannot read the file\n` });
    expect(await policyCheck([], POLICY_FILE)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: \d+ fields covered\n$/) });
  });
});
