import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_ISSUER, loadHubSigningKey, type HubSigningKey } from '../../src/auth/hub-signing-key.ts';

describe('the hub signing key', () => {
  let dataDir: string;
  let hubKey: HubSigningKey;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-hub-key-'));
    hubKey = await loadHubSigningKey(dataDir, {});
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('signs a JWT that jose verifies against the hub JWKS, with iss, iat, jti and the given aud, sub and exp', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await hubKey.sign({ org: 'wijkteam-oost', fields: ['Person.housing'] }, { audience: 'ontschot-adapter:housing', subject: 'wijkcoach-anna', ttlSeconds: 60 });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(hubKey.jwks), { issuer: HUB_ISSUER, audience: 'ontschot-adapter:housing', algorithms: ['ES256'] });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: hubKey.kid, typ: 'JWT' });
    expect(payload).toMatchObject({ org: 'wijkteam-oost', fields: ['Person.housing'], iss: HUB_ISSUER, aud: 'ontschot-adapter:housing', sub: 'wijkcoach-anna' });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp).toBe(payload.iat! + 60);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps claims of the payload it is not told to set (an exp, a sub), sets the type, and never repeats a jti', async () => {
    const first = await hubKey.sign({ sub: 'chain-1', exp: 1_000 }, { type: 'ontschot-seal+jwt' });
    const second = await hubKey.sign({ sub: 'chain-1', exp: 1_000 }, { type: 'ontschot-seal+jwt' });
    expect(decodeProtectedHeader(first).typ).toBe('ontschot-seal+jwt');
    const { payload } = await jwtVerify(first, createLocalJWKSet(hubKey.jwks), { currentDate: new Date(500_000), typ: 'ontschot-seal+jwt' });
    expect(payload).toMatchObject({ sub: 'chain-1', exp: 1_000, iss: HUB_ISSUER });
    expect(payload.aud).toBeUndefined();
    const { payload: other } = await jwtVerify(second, createLocalJWKSet(hubKey.jwks), { currentDate: new Date(500_000) });
    expect(other.jti).not.toBe(payload.jti);
  });
});
