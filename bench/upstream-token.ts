/**
 * What "only the hub may ask" costs per upstream request: signing the hub token in the gateway, and
 * verifying it (signature, claims, replay check) in the adapter. Prints milliseconds per operation.
 *
 *   npx tsx bench/upstream-token.ts [iterations]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadHubSigningKey } from '../src/auth/hub-signing-key.ts';
import { signUpstreamToken } from '../src/auth/upstream-token.ts';
import { createHubTokenVerifier } from '../src/adapters/sdk/hub-token-verifier.ts';

const iterations = Number(process.argv[2] ?? 2000);
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-bench-'));
try {
  const hubKey = await loadHubSigningKey(dataDir, {});
  const verify = createHubTokenVerifier('housing', { jwks: hubKey.jwks });
  const claims = {
    domain: 'housing', professional: 'wijkcoach-anna', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning',
    fields: ['Query.peopleByBsn', 'Person.bsn', 'Person.housing', 'Housing.rentArrearsMonths', 'Housing.evictionStatus'],
  };
  for (let i = 0; i < 100; i++) await verify(`Bearer ${await signUpstreamToken(hubKey, claims)}`); // warm-up

  const tokens: string[] = [];
  let started = performance.now();
  for (let i = 0; i < iterations; i++) tokens.push(await signUpstreamToken(hubKey, claims));
  const signMs = (performance.now() - started) / iterations;
  started = performance.now();
  for (const token of tokens) await verify(`Bearer ${token}`);
  const verifyMs = (performance.now() - started) / iterations;

  console.log(`upstream token, ${iterations} iterations: sign ${signMs.toFixed(3)} ms, verify ${verifyMs.toFixed(3)} ms, token ${tokens[0].length} bytes`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
