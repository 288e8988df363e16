import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { HUB_ISSUER, type HubSigningKey } from '../auth/hub-signing-key.ts';

/** What a purge vouches for: where the chain stood when its oldest records were removed. */
export interface CheckpointClaims {
  chainId: string;
  /** Sequence number, id and hash of the last purged record: the next record links to this hash. */
  lastSeq: number;
  lastRecordId: string;
  lastHash: string;
  /** How many records of this chain this purge removed. */
  purgedCount: number;
  purgedAt: string;
}

const CHECKPOINT_TYPE = 'ontschot-audit-checkpoint+jwt';

/** Signs a checkpoint with the hub key (ES256 JWS), so that a checkpoint cannot be forged or edited. */
export function signCheckpoint(hubKey: HubSigningKey, claims: CheckpointClaims): Promise<string> {
  return hubKey.sign({ ...claims }, { type: CHECKPOINT_TYPE, subject: claims.chainId });
}

/** The checkpoint's claims when its signature is the hub's; throws otherwise. */
export async function verifyCheckpoint(signed: string, hubJwks: { keys: JWK[] }): Promise<CheckpointClaims> {
  const { payload } = await jwtVerify(signed, createLocalJWKSet(hubJwks), { issuer: HUB_ISSUER, typ: CHECKPOINT_TYPE, algorithms: ['ES256'] });
  const claims = payload as unknown as CheckpointClaims;
  const valid =
    typeof claims.chainId === 'string' && payload.sub === claims.chainId && Number.isInteger(claims.lastSeq) && typeof claims.lastRecordId === 'string' &&
    typeof claims.lastHash === 'string' && Number.isInteger(claims.purgedCount) && typeof claims.purgedAt === 'string';
  if (!valid) throw new Error('checkpoint claims are incomplete');
  return claims;
}
