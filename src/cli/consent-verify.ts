/**
 * Verifies a consent receipt: is it genuine (signed by the hub's key, unaltered), and does the consent
 * still hold?
 *
 *   npm run consent:verify -- <receipt|file> [--hub http://127.0.0.1:4000] [--token <token>]
 *
 * Genuineness is checked here, against the hub's public key set (/.well-known/hub-jwks.json), so it does
 * not depend on trusting the hub's answer. Whether the consent is still active is asked of the hub
 * (Query.verifyConsentReceipt), which needs a token of a role that may ask (--token).
 * Exit codes: 0 genuine, 1 not genuine, 2 the check could not be done (usage, hub unreachable).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { DEFAULT_PORTS } from '../config/env.ts';
import { HUB_JWKS_PATH } from '../auth/hub-signing-key.ts';
import { checkConsentReceipt, type ReceiptConsent } from '../consent/consent-receipt.ts';

const USAGE = 'usage: npm run consent:verify -- <receipt|file> [--hub <gateway URL>] [--token <token>]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { hub: { type: 'string', default: `http://127.0.0.1:${DEFAULT_PORTS.gateway}` }, token: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new Error(USAGE);
  const receipt = existsSync(positionals[0]) ? readFileSync(positionals[0], 'utf8').trim() : positionals[0].trim();
  const hub = values.hub.replace(/\/+$/, '');

  const check = await checkConsentReceipt(receipt, createLocalJWKSet(await fetchHubKeys(hub)));
  if (!check.genuine) {
    console.log(`genuine: no (${check.reason})`);
    return 1;
  }
  console.log('genuine: yes (signed by the hub, unaltered)');
  printConsent(check.consent);
  console.log(`status: ${values.token ? await askStatus(hub, values.token, receipt) : 'unknown (give --token to ask the hub whether the consent still holds)'}`);
  return 0;
}

async function fetchHubKeys(hub: string): Promise<JSONWebKeySet> {
  const response = await fetch(`${hub}${HUB_JWKS_PATH}`).catch(() => undefined);
  if (!response?.ok) throw new Error(`Cannot read the hub's public keys at ${hub}${HUB_JWKS_PATH}`);
  return (await response.json()) as JSONWebKeySet;
}

function printConsent(consent: ReceiptConsent): void {
  console.log(`consent: ${consent.id}`);
  console.log(`  category ${consent.category}, grantee ${consent.granteeOrganisationId}, purpose ${consent.purpose}`);
  console.log(`  valid from ${consent.validFrom} ${consent.validUntil ? `until ${consent.validUntil}` : 'until withdrawn'}`);
  console.log(`  given by ${consent.givenBy}, evidence ${consent.evidenceMethod}, recorded at ${consent.recordedAt}`);
}

async function askStatus(hub: string, token: string, receipt: string): Promise<string> {
  const response = await fetch(`${hub}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: 'query VerifyConsentReceipt($receipt: String!) { verifyConsentReceipt(receipt: $receipt) { status reason } }', variables: { receipt } }),
  }).catch(() => undefined);
  if (!response) throw new Error(`Cannot reach the hub at ${hub}/graphql`);
  const body = (await response.json().catch(() => ({}))) as {
    data?: { verifyConsentReceipt?: { status: string | null; reason: string | null } | null };
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  const answer = body.data?.verifyConsentReceipt;
  if (answer) return answer.status ?? `unknown (${answer.reason ?? 'no status'})`;
  const error = body.errors?.[0];
  return `unknown (the hub answered ${error?.extensions?.code ?? response.status}: ${error?.message ?? 'no answer'})`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 2;
  },
);
