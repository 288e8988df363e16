import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The text of one version of the policy file, and how to name it in a report. */
export interface PolicySource {
  /** What a reader sees: the file's path, or `<revision>:<path>` for a git revision. */
  label: string;
  text: string;
}

/** The policy file's path in this repository, for a bare git revision. */
export const POLICY_FILE_IN_REPOSITORY = 'schema/field-policies.yaml';

/** Raised when a policy version cannot be read; its message names what was asked, never file contents. */
export class PolicySourceError extends Error {
  override name = 'PolicySourceError';
}

/**
 * One version of the policy file, named the way a privacy officer or a merge request names it: a file
 * (`schema/field-policies.yaml`, `/tmp/candidate.yaml`), a git revision (`main`, `HEAD~1`, a commit), or
 * a revision and a path (`main:schema/field-policies.yaml`). An existing file wins over a revision of the
 * same name. Git is asked only for a revision, with the arguments as separate words (no shell).
 */
export function readPolicySource(spec: string, cwd = process.cwd()): PolicySource {
  if (spec.trim() === '') throw new PolicySourceError('name a policy file or a git revision');
  const file = path.resolve(cwd, spec);
  if (existsSync(file)) {
    try {
      return { label: path.relative(cwd, file) || file, text: readFileSync(file, 'utf8') };
    } catch {
      throw new PolicySourceError(`cannot read ${spec}`);
    }
  }
  // A revision and no path: the policy file at its usual place in that revision.
  const object = spec.includes(':') ? spec : `${spec}:${POLICY_FILE_IN_REPOSITORY}`;
  if (object.startsWith('-')) throw new PolicySourceError(`'${spec}' is neither a file nor a git revision`);
  try {
    const text = execFileSync('git', ['show', object], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 * 1024 * 1024 });
    return { label: object, text };
  } catch {
    throw new PolicySourceError(`'${spec}' is neither a file nor a git revision with ${object.slice(object.indexOf(':') + 1)}`);
  }
}
