/**
 * What the token verification cache saves per request: verifying the same ES256 bearer token again and
 * again without the cache (every request checks the signature) and with it (one check, then hits), in
 * the same run, on the hub's real verifier and policy register. Also a cache miss (a new token each time).
 * Prints microseconds per verification.
 *
 *   npx tsx bench/token-verify.ts [iterations]
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createTokenVerifier, type TokenVerifier } from '../src/auth/token-verifier.ts';
import { DEMO_ISSUER, HUB_AUDIENCE } from '../src/config/env.ts';
import { publicSchemaForPolicyCheck } from '../src/hub/start-hub.ts';
import { loadPolicyFile } from '../src/policy/policy-file.ts';

const iterations = Number(process.argv[2] ?? 5_000);
const { privateKey, publicKey } = await generateKeyPair('ES256');
const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] });
const register = loadPolicyFile('schema/field-policies.yaml', publicSchemaForPolicyCheck());
const sign = (subject: string) => new SignJWT({ org: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' })
  .setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(DEMO_ISSUER).setAudience(HUB_AUDIENCE).setSubject(subject).setIssuedAt().setExpirationTime('1h').sign(privateKey);

async function timePerVerification(label: string, verify: TokenVerifier, headers: string[]): Promise<number> {
  for (let i = 0; i < 200; i++) await verify(headers[i % headers.length]); // warm-up
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await verify(headers[i % headers.length]);
  const micros = ((performance.now() - started) * 1000) / iterations;
  console.log(`  ${label.padEnd(52)} ${micros.toFixed(1).padStart(7)} µs/verification`);
  return micros;
}

const options = { keys, issuer: DEMO_ISSUER, audience: HUB_AUDIENCE, register };
const same = [`Bearer ${await sign('sanne.deboer')}`];
const distinct = await Promise.all(Array.from({ length: iterations + 200 }, (_, index) => sign(`professional-${index}`).then((token) => `Bearer ${token}`)));
console.log(`bearer token verification (ES256), ${iterations} verifications each (one run):`);
const uncached = await timePerVerification('same token, no cache (signature every time)', createTokenVerifier({ ...options, cacheMaxEntries: 0 }), same);
const cached = await timePerVerification('same token, cached (one signature check, then hits)', createTokenVerifier(options), same);
await timePerVerification('a new token every time (cache misses, then stored)', createTokenVerifier(options), distinct);
console.log(`  cached / uncached: ${(cached / uncached).toFixed(3)}`);
