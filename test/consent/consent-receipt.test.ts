import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader } from 'jose';
import { loadHubSigningKey, type HubSigningKey } from '../../src/auth/hub-signing-key.ts';
import { checkConsentReceipt, RECEIPT_TYPE, signConsentReceipt } from '../../src/consent/consent-receipt.ts';
import type { ConsentRow } from '../../src/consent/consent-store.ts';

const consent: ConsentRow = {
  id: '3f0c7a52-7d1e-4c55-9a43-0d4b2a9e6f11', subjectKey: 'a'.repeat(64), subjectEncrypted: 'v1.x.y.z', category: 'ggz',
  granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning', validFrom: new Date('2026-03-01T00:00:00Z'),
  validUntil: null, withdrawnAt: null, givenBy: 'DATA_SUBJECT', representativeName: null, evidenceMethod: 'WRITTEN',
  evidenceReference: 'DMS-2026-000418', recordedBy: 'sanne.deboer', recordedByOrganisationId: 'wijkteam-oost',
  recordedAt: new Date('2026-03-01T09:12:00Z'), withdrawnBy: null, withdrawnByOrganisationId: null, withdrawalReason: null,
  withdrawalEvidenceMethod: null, withdrawalEvidenceReference: null, confirmedAt: new Date('2026-03-01T09:12:00Z'), confirmedBy: null, confirmedByOrganisationId: null,
};

describe('consent receipts', () => {
  let dirs: string[] = [];
  let hubKey: HubSigningKey;
  let foreignKey: HubSigningKey;
  beforeAll(async () => {
    dirs = [await mkdtemp(path.join(os.tmpdir(), 'receipt-')), await mkdtemp(path.join(os.tmpdir(), 'receipt-'))];
    hubKey = await loadHubSigningKey(dirs[0], {});
    foreignKey = await loadHubSigningKey(dirs[1], {});
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  const hubKeys = () => createLocalJWKSet(hubKey.jwks);

  it('states what was agreed, typed as a consent receipt, without the person', async () => {
    const receipt = await signConsentReceipt(hubKey, consent);
    expect(decodeProtectedHeader(receipt)).toMatchObject({ alg: 'ES256', typ: RECEIPT_TYPE, kid: hubKey.kid });
    const claims = decodeJwt(receipt);
    expect(claims.consent).toEqual({
      id: consent.id, category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning',
      validFrom: '2026-03-01T00:00:00.000Z', validUntil: null, givenBy: 'DATA_SUBJECT', evidenceMethod: 'WRITTEN', recordedAt: '2026-03-01T09:12:00.000Z',
    });
    expect(claims.sub).toBeUndefined();
    expect(receipt).not.toContain(consent.subjectKey);
    expect(JSON.stringify(claims)).not.toContain(consent.subjectKey);
  });

  it('is genuine when signed by the hub and unaltered', async () => {
    expect(await checkConsentReceipt(await signConsentReceipt(hubKey, consent), hubKeys())).toMatchObject({ genuine: true, consent: { id: consent.id } });
  });

  it('is not genuine when a claim was changed', async () => {
    const [header, payload, signature] = (await signConsentReceipt(hubKey, consent)).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.consent.validUntil = '2099-01-01T00:00:00.000Z';
    const tampered = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    expect(await checkConsentReceipt(tampered, hubKeys())).toEqual({ genuine: false, reason: expect.stringMatching(/signature does not match/) });
  });

  it('is not genuine when signed by another key, even with the same kid', async () => {
    const foreign = await signConsentReceipt(foreignKey, consent);
    expect(await checkConsentReceipt(foreign, hubKeys())).toEqual({ genuine: false, reason: 'Not signed with a key of the hub' });
    const sameKid = await loadHubSigningKey(dirs[1], { HUB_SIGNING_KEY: JSON.stringify({ ...(await privateJwkOf(dirs[1])), kid: hubKey.kid }) });
    expect(await checkConsentReceipt(await signConsentReceipt(sameKid, consent), hubKeys())).toEqual({ genuine: false, reason: expect.stringMatching(/signature does not match/) });
  });

  it('is not genuine when it is another kind of hub token, or not a JWS at all', async () => {
    const otherToken = await hubKey.sign({ consent: { id: consent.id } }, { type: 'JWT' });
    expect(await checkConsentReceipt(otherToken, hubKeys())).toEqual({ genuine: false, reason: 'Not a consent receipt of this hub' });
    expect(await checkConsentReceipt('not-a-receipt', hubKeys())).toEqual({ genuine: false, reason: 'Not a compact JWS' });
    expect(await checkConsentReceipt('', hubKeys())).toMatchObject({ genuine: false });
  });
});

async function privateJwkOf(dir: string) {
  const file = (await readdir(dir)).find((name) => name.endsWith('.jwk.json'))!;
  return JSON.parse(await readFile(path.join(dir, file), 'utf8'));
}
