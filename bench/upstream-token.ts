/**
 * What "only the hub may ask" costs per upstream request: signing the hub token in the gateway (with the
 * SHA-256 of the body it is bound to), and verifying it in the adapter (signature, claims, body digest,
 * replay check). The body is a realistic batch: a household screen's query for 50 BSNs. Also the
 * gateway's parse of the query text it signs the `fields` from (src/gateway/upstream-signing-fetch.ts).
 * Prints milliseconds per operation.
 *
 *   npx tsx bench/upstream-token.ts [iterations]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadHubSigningKey } from '../src/auth/hub-signing-key.ts';
import { signUpstreamToken } from '../src/auth/upstream-token.ts';
import { contentDigest } from '../src/auth/request-digest.ts';
import { createHubTokenVerifier } from '../src/adapters/sdk/hub-token-verifier.ts';
import { parse } from 'graphql';

const iterations = Number(process.argv[2] ?? 2000);
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-bench-'));
try {
  const hubKey = await loadHubSigningKey(dataDir, {});
  const verify = createHubTokenVerifier('housing', { jwks: hubKey.jwks });
  const query = 'query ($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn housing { rentArrearsMonths evictionStatus } } }';
  const bsns = Array.from({ length: 50 }, (_, index) => String(999_900_000 + index));
  const body = Buffer.from(JSON.stringify({ query, variables: { bsns } }), 'utf8');
  const claims = {
    domain: 'housing', professional: 'wijkcoach-anna', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning',
    fields: ['Query.peopleByBsn', 'Person.bsn', 'Person.housing', 'Housing.rentArrearsMonths', 'Housing.evictionStatus'],
  };
  const sign = () => signUpstreamToken(hubKey, { ...claims, contentDigest: contentDigest(body) });
  for (let i = 0; i < 100; i++) await verify(`Bearer ${await sign()}`, body); // warm-up

  const tokens: string[] = [];
  let started = performance.now();
  for (let i = 0; i < iterations; i++) tokens.push(await sign());
  const signMs = (performance.now() - started) / iterations;
  started = performance.now();
  for (const token of tokens) await verify(`Bearer ${token}`, body);
  const verifyMs = (performance.now() - started) / iterations;
  started = performance.now();
  for (let i = 0; i < iterations; i++) contentDigest(body);
  const digestMs = (performance.now() - started) / iterations;
  started = performance.now();
  for (let i = 0; i < iterations; i++) parse(query);
  const parseMs = (performance.now() - started) / iterations;

  console.log(
    `upstream token, ${iterations} iterations, body ${body.length} bytes: sign ${signMs.toFixed(3)} ms, verify ${verifyMs.toFixed(3)} ms ` +
      `(of which the body digest ${digestMs.toFixed(4)} ms), parse of the signed query ${parseMs.toFixed(4)} ms, token ${tokens[0].length} bytes`,
  );
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
