/**
 * `npm run consent:verify` against a running hub (PostgreSQL, real HTTP): a receipt from recordConsent is
 * genuine and its (GGZ) consent pending until a second professional confirms it, then active, then withdrawn;
 * a tampered receipt is not genuine (exit 1).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { allDemoPeople } from '../../src/demo/population.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const CLI = fileURLToPath(new URL('../../src/cli/consent-verify.ts', import.meta.url));

async function consentVerify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const RECORD = /* GraphQL */ `
  mutation Record($input: RecordConsentInput!) { recordConsent(input: $input) { receipt consent { id } } }
`;

describeWithPostgres('npm run consent:verify', (database) => {
  let hub: TestHub;
  let folder: string;
  let token: string;
  let receipt: string;
  let consentId: string;
  beforeAll(async () => {
    hub = await startTestHub(database());
    folder = await mkdtemp(path.join(os.tmpdir(), 'consent-verify-'));
    token = await hub.token();
    const sem = allDemoPeople().find((person) => person.givenName === 'Sem')!;
    const response = await hub.query(token, RECORD, {
      input: {
        bsn: sem.bsn, givenBy: 'LEGAL_REPRESENTATIVE', representativeName: 'L. Bakker (moeder, gezag)', evidenceMethod: 'DIGITAL',
        evidenceReference: 'mijnwijkteam-toestemming-9120', category: 'ggz', granteeOrganisationId: 'wijkteam-oost',
        purpose: 'wijkteam-ondersteuning',
      },
    });
    ({ receipt, consent: { id: consentId } } = response.body.data!.recordConsent);
  });
  afterAll(async () => {
    try {
      await hub?.stop();
    } finally {
      if (folder) await rm(folder, { recursive: true, force: true });
    }
  });

  it('says PENDING_CONFIRMATION for a GGZ consent no second professional has confirmed yet', async () => {
    const result = await consentVerify(receipt, '--hub', hub.gateway.url, '--token', token);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^status: PENDING_CONFIRMATION$/m) });
  });

  it('says a receipt from a file is genuine, what it states, and that the consent is active once confirmed', async () => {
    const colleague = await hub.token({ subject: 'ilse.jacobs' });
    const confirmed = await hub.query(colleague, 'mutation C($id: ID!) { confirmConsent(id: $id) { status } }', { id: consentId });
    expect(confirmed.body.data!.confirmConsent.status).toBe('ACTIVE');
    const file = path.join(folder, 'receipt.jwt');
    await writeFile(file, `${receipt}\n`);
    const result = await consentVerify(file, '--hub', hub.gateway.url, '--token', token);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('genuine: yes');
    expect(result.stdout).toContain(`consent: ${consentId}`);
    expect(result.stdout).toContain('category ggz, grantee wijkteam-oost, purpose wijkteam-ondersteuning');
    expect(result.stdout).toContain('given by LEGAL_REPRESENTATIVE, evidence DIGITAL');
    expect(result.stdout).toMatch(/^status: ACTIVE$/m);
  });

  it('checks genuineness without a token, and says the status is then unknown', async () => {
    const result = await consentVerify(receipt, '--hub', hub.gateway.url);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('genuine: yes');
    expect(result.stdout).toMatch(/^status: unknown \(give --token/m);
  });

  it('says WITHDRAWN after the consent was withdrawn', async () => {
    await hub.query(token, 'mutation W($id: ID!) { withdrawConsent(id: $id) { id } }', { id: consentId });
    const result = await consentVerify(receipt, '--hub', hub.gateway.url, '--token', token);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^status: WITHDRAWN$/m) });
  });

  it('reports a tampered receipt as not genuine with exit code 1', async () => {
    const [header, payload, signature] = receipt.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.consent.purpose = 'vroegsignalering-schulden';
    const tampered = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    const result = await consentVerify(tampered, '--hub', hub.gateway.url, '--token', token);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^genuine: no \(The signature does not match/);
    expect(result.stdout).not.toContain('status:');
  });

  it('exits with 2 when the hub cannot be reached or no receipt is given', async () => {
    expect(await consentVerify(receipt, '--hub', 'http://127.0.0.1:9')).toMatchObject({ code: 2, stderr: expect.stringContaining("Cannot read the hub's public keys") });
    expect(await consentVerify('--hub', hub.gateway.url)).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run consent:verify') });
  });
});
