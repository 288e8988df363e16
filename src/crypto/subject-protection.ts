import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Protects data-subject identifiers (BSNs) at rest. One 32-byte master key yields two sub-keys (HKDF):
 * - a keyed hash (HMAC-SHA256) used as a look-up key, so rows can be found by BSN without decrypting;
 * - an AES-256-GCM key for the encrypted copy that the hub needs to ask partners about a person.
 */
export interface SubjectProtector {
  /** Deterministic keyed hash, hex. Same BSN, same key: same value. */
  lookupKey(bsn: string): string;
  /** Authenticated encryption: `v1.<iv>.<ciphertext>.<tag>` in base64url. A fresh IV every call. */
  encrypt(bsn: string): string;
  /** Throws when the value was altered or encrypted under another key. */
  decrypt(sealed: string): string;
}

export function createSubjectProtector(masterKey: Buffer): SubjectProtector {
  if (masterKey.length !== 32) throw new Error('The subject protection key must be 32 bytes');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
  const hashKey = derive('ontschot subject lookup v1');
  const encryptionKey = derive('ontschot subject encryption v1');

  return {
    lookupKey: (bsn) => createHmac('sha256', hashKey).update(bsn).digest('hex'),
    encrypt(bsn) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      const ciphertext = Buffer.concat([cipher.update(bsn, 'utf8'), cipher.final()]);
      return ['v1', iv, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    decrypt(sealed) {
      const [version, iv, ciphertext, tag] = sealed.split('.');
      if (version !== 'v1' || !iv || !ciphertext || !tag) throw new Error('Unrecognised sealed subject id');
      const decipher = createDecipheriv('aes-256-gcm', encryptionKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

export function generateMasterKey(): Buffer {
  return randomBytes(32);
}
