import type { DemoIssuer } from '../auth/demo-issuer.ts';

/** The demo professionals, one per role, with their organisation and usual purpose. */
export const DEMO_PROFILES: Record<string, { subject: string; organisationId: string; purpose: string }> = {
  wijkcoach: { subject: 'sanne.deboer', organisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning' },
  schuldhulpverlener: { subject: 'karim.haddou', organisationId: 'schuldhulp-gemeente', purpose: 'vroegsignalering-schulden' },
  woonconsulent: { subject: 'petra.smits', organisationId: 'woonstichting-de-linde', purpose: 'vroegsignalering-schulden' },
  'privacy-officer': { subject: 'fg.gemeente', organisationId: 'wijkteam-oost', purpose: 'privacy-toezicht' },
};

export async function printDemoTokens(issuer: DemoIssuer, graphqlUrl: string): Promise<void> {
  const token = await issuer.issueToken({ ...DEMO_PROFILES.wijkcoach, roles: ['wijkcoach'] }, 8 * 3600);
  console.log(`\nDemo token (role wijkcoach, 8 hours; DEMO issuer, not for production):\n${token}\n`);
  console.log('Other roles: npm run token -- --role <wijkcoach|schuldhulpverlener|woonconsulent|privacy-officer>');
  console.log(`\nTry it:\ncurl -s ${graphqlUrl} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\\n  -d '{"query":"{ household(id: \\"hh-1001\\") { address { street houseNumber } members { givenName care { inCare } } } }"}'\n`);
}
