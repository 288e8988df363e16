/**
 * Prints one signed demo token on stdout and nothing else, for the embedded default's demo issuer.
 *
 *   npm run token -- --role wijkcoach [--org wijkteam-oost] [--purpose wijkteam-ondersteuning] [--sub name] [--ttl 3600]
 */
import { parseArgs } from 'node:util';
import { loadGatewayConfig } from '../config/env.ts';
import { loadDemoIssuer } from '../auth/demo-issuer.ts';
import { findOrganisation } from '../domain/organisations.ts';
import { DEMO_PROFILES } from './demo-tokens.ts';

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
  const role = values.role;
  if (!role) throw new Error('--role is required (wijkcoach, schuldhulpverlener, woonconsulent or privacy-officer)');
  const profile = DEMO_PROFILES[role];
  const organisationId = values.org ?? profile?.organisationId;
  const purpose = values.purpose ?? profile?.purpose;
  if (!organisationId || !purpose) throw new Error(`Role '${role}' has no demo profile: give --org and --purpose`);
  if (!findOrganisation(organisationId)) throw new Error(`Unknown organisation '${organisationId}'`);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > 24 * 3600) throw new Error('--ttl must be a whole number of seconds, at most 86400');
  const config = loadGatewayConfig();
  const issuer = await loadDemoIssuer(config.dataDir, config.auth.issuer, config.auth.audience);
  const token = await issuer.issueToken({ subject: values.sub ?? profile?.subject ?? `demo-${role}`, organisationId, roles: [role], purpose }, ttl);
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
