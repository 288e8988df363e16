import type { DemoIssuer } from '../auth/demo-issuer.ts';
import { ORGANISATIONS, type OrganisationKind } from '../domain/organisations.ts';

/** The demo professionals, one per role, with their organisation and usual purpose. */
export const DEMO_PROFILES: Record<string, { subject: string; organisationId: string; purpose: string }> = {
  wijkcoach: { subject: 'sanne.deboer', organisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning' },
  schuldhulpverlener: { subject: 'karim.haddou', organisationId: 'schuldhulp-gemeente', purpose: 'vroegsignalering-schulden' },
  woonconsulent: { subject: 'petra.smits', organisationId: 'woonstichting-de-linde', purpose: 'vroegsignalering-schulden' },
  // Wijkteam Oost's own functionaris gegevensbescherming: sees Oost's processing in the access log.
  'privacy-officer': { subject: 'fg.wijkteam-oost', organisationId: 'wijkteam-oost', purpose: 'privacy-toezicht' },
  // The municipality's functionaris gegevensbescherming: supervises the hub as a whole (the whole log).
  'hub-privacy-officer': { subject: 'fg.gemeente', organisationId: 'gemeente-utrecht', purpose: 'privacy-toezicht' },
};

/**
 * The role a demo token for an organisation of each kind gets when `npm run token -- --org <id>` names no
 * role: the role such an organisation's professionals usually hold (a GGZ provider only has its officer).
 */
export const USUAL_ROLE_OF_KIND: Readonly<Record<OrganisationKind, string>> = {
  WIJKTEAM: 'wijkcoach',
  HOUSING_CORPORATION: 'woonconsulent',
  DEBT_RELIEF: 'schuldhulpverlener',
  MENTAL_HEALTH_CARE: 'privacy-officer',
  MUNICIPALITY: 'hub-privacy-officer',
};

export async function printDemoTokens(issuer: DemoIssuer, graphqlUrl: string): Promise<void> {
  const token = await issuer.issueToken({ ...DEMO_PROFILES.wijkcoach, roles: ['wijkcoach'] }, 8 * 3600);
  console.log(`\nDemo token (role wijkcoach, Sociaal Wijkteam Oost, 8 hours; DEMO issuer, not for production):\n${token}\n`);
  console.log(`Other roles: npm run token -- --role <${Object.keys(DEMO_PROFILES).join('|')}>`);
  console.log(`Another organisation: npm run token -- --org <${ORGANISATIONS.map((organisation) => organisation.id).join('|')}> [--role <role>]`);
  console.log(`\nTry it:\ncurl -s ${graphqlUrl} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\\n  -d '{"query":"{ household(id: \\"hh-1001\\") { address { street houseNumber } members { givenName care { inCare } } } }"}'\n`);
}
