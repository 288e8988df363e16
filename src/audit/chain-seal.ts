import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { HUB_ISSUER, type HubSigningKey } from '../auth/hub-signing-key.ts';

/** What a seal vouches for: the head of one access-log chain at one moment. */
export interface SealClaims {
  chainId: string;
  /** Sequence number and record hash of the chain's last record when it was sealed. */
  seq: number;
  hash: string;
  sealedAt: string;
}

const SEAL_TYPE = 'ontschot-audit-seal+jwt';

/** Signs a seal with the hub key (ES256 JWS): it names no person, only a chain position and a hash. */
export function signSeal(hubKey: HubSigningKey, claims: SealClaims): Promise<string> {
  return hubKey.sign({ ...claims }, { type: SEAL_TYPE, subject: claims.chainId });
}

/** The seal's claims when it carries the hub's signature (checked with the public key only); throws otherwise. */
export async function verifySeal(signed: string, hubJwks: { keys: JWK[] }): Promise<SealClaims> {
  const { payload } = await jwtVerify(signed, createLocalJWKSet(hubJwks), { issuer: HUB_ISSUER, typ: SEAL_TYPE, algorithms: ['ES256'] });
  const claims = payload as unknown as SealClaims;
  const valid =
    typeof claims.chainId === 'string' && payload.sub === claims.chainId && Number.isInteger(claims.seq) && claims.seq > 0 &&
    typeof claims.hash === 'string' && typeof claims.sealedAt === 'string';
  if (!valid) throw new Error('seal claims are incomplete');
  return { chainId: claims.chainId, seq: claims.seq, hash: claims.hash, sealedAt: claims.sealedAt };
}

/**
 * Appends a seal to the seal file (one JSON line: the claims for a human reader, `signed` for the
 * verifier, which trusts only the signature) and flushes it to disk before returning.
 */
export async function appendSealLine(file: string, claims: SealClaims, signed: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify({ ...claims, signed })}\n`, { mode: 0o600 });
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The signed seals of a seal file, in file order; a line that is not a seal is returned as it is (it then fails verification). */
export async function readSealFile(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const parsed = JSON.parse(line) as { signed?: unknown };
        return typeof parsed.signed === 'string' ? parsed.signed : line;
      } catch {
        return line;
      }
    });
}
