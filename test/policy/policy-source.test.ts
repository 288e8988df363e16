import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicySource, PolicySourceError } from '../../src/policy/policy-source.ts';

const repository = path.resolve(import.meta.dirname, '../..');

describe('readPolicySource', () => {
  it('reads a file by its path', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'policy-source-'));
    writeFileSync(path.join(dir, 'candidate.yaml'), 'version: 1\n');
    expect(readPolicySource('candidate.yaml', dir)).toEqual({ label: 'candidate.yaml', text: 'version: 1\n' });
  });

  it('reads the policy file of a git revision', () => {
    const source = readPolicySource('HEAD', repository);
    expect(source.label).toBe('HEAD:schema/field-policies.yaml');
    expect(source.text).toMatch(/^version: 1$/m);
  });

  it('refuses what is neither, and an option-looking revision, without running it', () => {
    expect(() => readPolicySource('no-such-revision-or-file', repository)).toThrow(PolicySourceError);
    expect(() => readPolicySource('--output=/tmp/x', repository)).toThrow(/neither a file nor a git revision/);
    expect(() => readPolicySource('  ', repository)).toThrow(/name a policy file/);
  });
});
