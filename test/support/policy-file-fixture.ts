/**
 * The shipped policy file, and small edits of it, for tests of the checker: each test changes one line
 * and expects the problem the checker names (file:line: message).
 */
import { readFileSync } from 'node:fs';
import { parsePolicies, PolicyFileError } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';

export const POLICY_FILE = 'schema/field-policies.yaml';
export const policySchema = publicSchemaForPolicyCheck();
export const shippedPolicy = readFileSync(POLICY_FILE, 'utf8');

/** Every problem the checker finds in this text (empty: it passes). */
export function problemsOf(text: string): string[] {
  try {
    parsePolicies(text, POLICY_FILE, policySchema);
  } catch (error) {
    if (error instanceof PolicyFileError) return [...error.problems];
    throw error;
  }
  return [];
}

/** The text (default: the shipped file) with the first line holding `find` changed; and that line's 1-based number. */
export function withLine(find: string, replace: string, text = shippedPolicy): { text: string; line: number } {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.includes(find));
  if (index < 0) throw new Error(`fixture line not found: ${find}`);
  lines[index] = lines[index].replace(find, replace);
  return { text: lines.join('\n'), line: index + 1 };
}
