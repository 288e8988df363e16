import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSubjectProtector, generateMasterKey } from '../../src/crypto/subject-protection.ts';
import { loadHubDataKey } from '../../src/crypto/hub-data-key.ts';

describe('subject-id protection', () => {
  const protector = createSubjectProtector(generateMasterKey());

  it('gives a stable look-up key per BSN that differs per master key and never contains the BSN', () => {
    expect(protector.lookupKey('999906318')).toBe(protector.lookupKey('999906318'));
    expect(protector.lookupKey('999906318')).not.toBe(protector.lookupKey('999914455'));
    expect(createSubjectProtector(generateMasterKey()).lookupKey('999906318')).not.toBe(protector.lookupKey('999906318'));
    expect(protector.lookupKey('999906318')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('encrypts with a fresh IV each time and decrypts back', () => {
    const first = protector.encrypt('999906318');
    const second = protector.encrypt('999906318');
    expect(first).not.toBe(second);
    expect(first).not.toContain('999906318');
    expect(protector.decrypt(first)).toBe('999906318');
  });

  it('refuses a tampered ciphertext or another key', () => {
    const sealed = protector.encrypt('999906318');
    const [version, iv, ciphertext, tag] = sealed.split('.');
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] ^= 1;
    expect(() => protector.decrypt([version, iv, flipped.toString('base64url'), tag].join('.'))).toThrow();
    expect(() => createSubjectProtector(generateMasterKey()).decrypt(sealed)).toThrow();
    expect(() => protector.decrypt('not-sealed')).toThrow('Unrecognised sealed subject id');
  });

  it('refuses a master key of the wrong size', () => {
    expect(() => createSubjectProtector(Buffer.alloc(16))).toThrow('32 bytes');
  });
});

describe('the hub data key', () => {
  it('comes from HUB_DATA_KEY when set', async () => {
    const key = generateMasterKey();
    expect((await loadHubDataKey('/nonexistent', { HUB_DATA_KEY: key.toString('base64') })).equals(key)).toBe(true);
    await expect(loadHubDataKey('/nonexistent', { HUB_DATA_KEY: 'dG9vIHNob3J0' })).rejects.toThrow('HUB_DATA_KEY must be 32 bytes');
  });

  it('is generated once in the data folder otherwise, readable only by its owner', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-key-'));
    try {
      const first = await loadHubDataKey(dataDir, {});
      const second = await loadHubDataKey(dataDir, {});
      expect(first.equals(second)).toBe(true);
      const file = path.join(dataDir, 'demo-hub-data-key.base64');
      expect(Buffer.from(await readFile(file, 'utf8'), 'base64').equals(first)).toBe(true);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dataDir, { recursive: true, force: true }); // it holds a key file
    }
  });
});
