import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { DEFAULT_EDGE_LIMITS } from '../../src/edge/edge-config.ts';
import { DEMO_HOUSEHOLDS } from '../../src/demo/population.ts';

/** What one token did to stall the hub: 1,000 aliases of `household` in one query. */
const ALIAS_FLOOD = `{ ${Array.from({ length: 1000 }, (_, i) => `h${i}: household(id: "hh-1001") { id members { givenName } }`).join(' ')} }`;

/** The largest legitimate query: 100 households with every field a wijkcoach's case screen shows. */
const HUNDRED_HOUSEHOLDS = /* GraphQL */ `
  query Hundred($ids: [ID!]!) {
    households(ids: $ids) {
      id
      address { street houseNumber houseNumberSuffix postcode city }
      members {
        id bsn givenName familyName birthDate
        housing { monthlyRent rentArrearsMonths rentArrearsAmount evictionStatus rentArrearsTwoMonthsOrMore }
        debt { caseStatus totalDebt }
        care { inCare crisisPlanPresent }
      }
      regisseur { name phone organisation { id name kind } }
      involvement { organisation { id name kind } since }
    }
  }
`;

describeWithPostgres('query limits at the edge', (database) => {
  let hub: TestHub;
  let token: string;
  beforeAll(async () => {
    hub = await startTestHub(database());
    token = await hub.token();
  });
  afterAll(async () => hub?.stop());

  function codes(response: { body: { errors?: { extensions?: Record<string, unknown> }[] } }) {
    return (response.body.errors ?? []).map((error) => error.extensions?.code);
  }

  it('lets the largest legitimate query through: 100 households by id', async () => {
    // A wijkcoach's legitimate screen: households their organisation (wijkteam Oost) is involved with.
    const demo = DEMO_HOUSEHOLDS.filter((household) => household.involvement.some((entry) => entry.organisationId === 'wijkteam-oost' && !entry.endsAt)).map((household) => household.id);
    const ids = Array.from({ length: 100 }, (_, i) => demo[i % demo.length]);
    const response = await hub.query(token, HUNDRED_HOUSEHOLDS, { ids });
    expect(response.status).toBe(200);
    expect(response.body.data!.households).toHaveLength(100);
    expect(response.body.data!.households[0].address.street).toBe('Kanaalstraat');
    expect(codes(response).every((code) => ['CONSENT_REQUIRED', 'FORBIDDEN', 'PURPOSE_MISMATCH'].includes(code as string))).toBe(true);
  });

  it('refuses the 1,000-alias flood while parsing it (TOO_MANY_TOKENS), before any partner is asked', async () => {
    for (const partner of Object.values(hub.partners)) partner!.resetCount();
    const response = await hub.query(token, ALIAS_FLOOD);
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(codes(response)).toEqual(['TOO_MANY_TOKENS']);
    for (const partner of Object.values(hub.partners)) expect(partner!.requestCount()).toBe(0);
  });

  it('refuses more aliases than the limit with TOO_MANY_ALIASES, also when the document is short', async () => {
    const aliases = Array.from({ length: DEFAULT_EDGE_LIMITS.maxAliases + 1 }, (_, i) => `i${i}: id`).join(' ');
    const response = await hub.query(token, `{ household(id: "hh-1001") { ${aliases} } }`);
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['TOO_MANY_ALIASES']);
    expect(response.body.errors![0].message).toBe(`The query has too many aliases: Aliases limit of ${DEFAULT_EDGE_LIMITS.maxAliases} exceeded, found ${DEFAULT_EDGE_LIMITS.maxAliases + 1}.`);
    const within = Array.from({ length: DEFAULT_EDGE_LIMITS.maxAliases }, (_, i) => `i${i}: id`).join(' ');
    expect((await hub.query(token, `{ household(id: "hh-1001") { ${within} } }`)).status).toBe(200);
  });

  it('refuses ten parallel 1,000-alias queries in well under a second, and /healthz stays quick', async () => {
    const started = performance.now();
    const health = fetch(`${hub.gateway.url}/healthz`).then(async (response) => ({ status: response.status, ms: performance.now() - started }));
    const responses = await Promise.all(Array.from({ length: 10 }, () => hub.query(token, ALIAS_FLOOD)));
    const elapsed = performance.now() - started;
    expect(responses.map((response) => codes(response)[0])).toEqual(Array(10).fill('TOO_MANY_TOKENS'));
    expect(elapsed).toBeLessThan(1000);
    expect((await health).status).toBe(200);
  });

  it('refuses a query below the alias limit whose cost is too high with QUERY_TOO_COSTLY', async () => {
    const wide = `{ ${Array.from({ length: 60 }, (_, i) => `h${i}: household(id: "hh-1001") { id address { street city } members { givenName housing { monthlyRent } } }`).join(' ')} }`;
    const response = await hub.query(token, wide);
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['QUERY_TOO_COSTLY']);
    expect(response.body.errors![0].message).toMatch(/^The query has too high a cost: Query Cost limit of 1000 exceeded, found \d+/);
  });

  it('stops parsing at the token limit with TOO_MANY_TOKENS', async () => {
    const ids = Array.from({ length: DEFAULT_EDGE_LIMITS.maxTokens }, (_, i) => `"hh-${i}"`).join(' ');
    const response = await hub.query(token, `{ households(ids: [${ids}]) { id } }`);
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['TOO_MANY_TOKENS']);
    expect(response.body.errors![0].message).toBe(`The query has too many tokens: the limit is ${DEFAULT_EDGE_LIMITS.maxTokens}.`);
  });

  it('refuses too many directives with TOO_MANY_DIRECTIVES', async () => {
    const fields = Array.from({ length: DEFAULT_EDGE_LIMITS.maxDirectives + 1 }, (_, i) => `i${i}: id @skip(if: false)`).join(' ');
    const response = await hub.query(token, `{ household(id: "hh-1001") { ${fields} } }`);
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['TOO_MANY_DIRECTIVES']);
  });
});

describeWithPostgres('query limits come from the configuration', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database(), (config) => ({ ...config, edge: { ...config.edge!, maxDepth: 3 } }));
  });
  afterAll(async () => hub?.stop());

  it('refuses a selection deeper than GRAPHQL_MAX_DEPTH with QUERY_TOO_DEEP, and serves one within it', async () => {
    const token = await hub.token();
    const deep = await hub.query(token, '{ household(id: "hh-1001") { members { housing { monthlyRent } } } }');
    expect(deep.status).toBe(400);
    expect(deep.body.errors!.map((error) => error.extensions!.code)).toEqual(['QUERY_TOO_DEEP']);
    // Through a fragment too: depth is counted through spreads.
    const viaFragment = await hub.query(token, '{ household(id: "hh-1001") { ...H } } fragment H on Household { members { housing { monthlyRent } } }');
    expect(viaFragment.body.errors!.map((error) => error.extensions!.code)).toEqual(['QUERY_TOO_DEEP']);
    const shallow = await hub.query(token, '{ household(id: "hh-1001") { members { givenName } } }');
    expect(shallow.status).toBe(200);
    expect(shallow.body.errors).toBeUndefined();
  });
});

describe('default limits', () => {
  it('admit the largest query the suite sends and refuse the alias flood', () => {
    // Measured over 20,000 of the property test's random queries: depth 6, aliases 45, cost 244, tokens 169.
    expect(DEFAULT_EDGE_LIMITS.maxDepth).toBeGreaterThanOrEqual(6);
    expect(DEFAULT_EDGE_LIMITS.maxAliases).toBeGreaterThanOrEqual(45);
    expect(DEFAULT_EDGE_LIMITS.maxAliases).toBeLessThan(1000);
    expect(DEFAULT_EDGE_LIMITS.maxCost).toBeGreaterThanOrEqual(244);
  });
});
