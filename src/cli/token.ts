/**
 * Prints one signed demo token on stdout and nothing else, for the embedded default's demo issuer.
 *
 *   npm run token -- --role <role> [--org <organisation>] [--purpose <purpose>] [--sub <name>] [--ttl <seconds>]
 *   npm run token -- --org <organisation> [--role <role>] [...]
 *
 * --role alone: that role's demo professional (src/cli/demo-tokens.ts). --org alone: the role that kind
 * of organisation usually holds (a wijkteam a wijkcoach, the municipality its hub-privacy-officer).
 * The organisation must be in the register and the role one its kind may hold (policy file:
 * organisationKinds), as the hub checks every token.
 */
import { parseArgs } from 'node:util';
import { loadGatewayConfig } from '../config/env.ts';
import { loadDemoIssuer } from '../auth/demo-issuer.ts';
import { loadPolicyFile } from '../policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../hub/start-hub.ts';
import { resolveTokenClaims } from './token-claims.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      org: { type: 'string' },
      purpose: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
    },
  });
  const config = loadGatewayConfig();
  const policies = loadPolicyFile(config.policyFile, publicSchemaForPolicyCheck());
  const claims = resolveTokenClaims(values, policies);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > 24 * 3600) throw new Error('--ttl must be a whole number of seconds, at most 86400');
  const issuer = await loadDemoIssuer(config.dataDir, config.auth.issuer, config.auth.audience);
  process.stdout.write(`${await issuer.issueToken(claims, ttl)}\n`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
