import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { readsOf, recordStatements } from '../support/database-statements.ts';

/**
 * What one request costs the hub's database: the statements the request's loaders send (Prisma's, and the
 * standing's raw SQL on the pool, as node-postgres gets them), counted, so that a loader that starts
 * reading per person, or reads what the query did not select, shows here. The access log's own writes
 * (src/audit) are not counted.
 */

const CASE_SCREEN = `address { street houseNumber postcode }
  members { givenName familyName housing { rentArrearsMonths evictionStatus } debt { caseStatus totalDebt } care { inCare trajectoryKind } }`;
const SEVEN = ['hh-1001', 'hh-1002', 'hh-1003', 'hh-1004', 'hh-1005', 'hh-1006', 'hh-1007'];

/**
 * Which tables a statement reads, by its FROM clauses (Prisma's and the standing's raw SQL alike),
 * sorted and without repeats, joined with `+`: the standing with the consents is `break_glass_grant+consent+involvement+person`.
 */
function tableOf(sql: string): string {
  const tables = [...sql.matchAll(/\bfrom\s+(?:"public"\.)?"(\w+)"/gi)].map((match) => match[1]);
  return tables.length > 0 ? [...new Set(tables)].sort().join('+') : sql.slice(0, 40);
}
const STANDING = 'break_glass_grant+involvement';
/** The households asked for by id and their members, read ahead with the standing (src/households/household-read-ahead.ts). */
const HOUSEHOLDS_AHEAD = 'break_glass_grant+household+involvement+person';
const HOUSEHOLDS_AHEAD_WITH_CONSENTS = 'break_glass_grant+consent+household+involvement+person';

describeWithPostgres('database statements per request', (database) => {
  let hub: TestHub;
  const recorder = recordStatements();
  const { statements } = recorder;
  let token: string;
  beforeAll(async () => {
    hub = await startTestHub(database(), (config) => config);
    token = await hub.token();
  });
  beforeEach(() => {
    statements.length = 0;
  });
  afterAll(async () => {
    recorder.stop();
    await hub?.stop();
  });

  async function tablesRead(query: string, variables?: Record<string, unknown>): Promise<string[]> {
    const response = await hub.query(token, query, variables);
    expect(response.status).toBe(200);
    expect(response.body.data).toBeTruthy();
    return readsOf(statements).map(tableOf);
  }

  it('reads a case screen of one household in one statement: household, members and standing with the consents', async () => {
    const tables = await tablesRead(`query($id: ID!) { household(id: $id) { ${CASE_SCREEN} } }`, { id: 'hh-1001' });
    // The standing (involvement and break-the-glass grant) brings the household, its members and their
    // consents along, since care depends on consent (src/gateway/read-ahead-plugin.ts); a household's
    // involvement list is not read when Household.involvement is not selected.
    expect(tables).toEqual([HOUSEHOLDS_AHEAD_WITH_CONSENTS]);
  });

  it('reads seven households in the same one statement as one', async () => {
    const tables = await tablesRead(`query($ids: [ID!]!) { households(ids: $ids) { ${CASE_SCREEN} } }`, { ids: SEVEN });
    expect(tables).toEqual([HOUSEHOLDS_AHEAD_WITH_CONSENTS]);
  });

  it('reads the involvement list only when Household.involvement is selected, once for all households', async () => {
    const tables = await tablesRead(`query($ids: [ID!]!) { households(ids: $ids) { id involvement { purpose } } }`, { ids: SEVEN });
    // The households with the standing (need to know for the involvement field) and with their members
    // (each member gets an access record), and the list itself.
    expect(tables.sort()).toEqual([HOUSEHOLDS_AHEAD, 'involvement']);
  });

  it('reads no consents when no field the query selects depends on consent', async () => {
    const tables = await tablesRead(`query($id: ID!) { household(id: $id) { address { street } members { givenName housing { rentArrearsMonths } } } }`, { id: 'hh-1001' });
    expect(tables).toEqual([HOUSEHOLDS_AHEAD]);
  });

  it('sends nothing to the database for a case screen whose ids the edge refuses (a lone surrogate, a NUL byte)', async () => {
    // The read ahead starts in the same phase as the edge's check: it must not send ids that only
    // make PostgreSQL refuse the JSON they go in (src/gateway/household-ids-asked.ts).
    for (const ids of [['hh-1001', 'hh-\uD800'], ['hh-\u0000']]) {
      statements.length = 0;
      const response = await hub.query(token, `query($ids: [ID!]!) { households(ids: $ids) { ${CASE_SCREEN} } }`, { ids });
      expect(response.status).toBe(400);
      expect(response.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(readsOf(statements)).toEqual([]);
    }
  });

  it('reads households asked for under a directive as the resolvers come to them: household, members, standing', async () => {
    // Only what is plain to see before execution is read ahead (src/gateway/household-ids-asked.ts).
    const tables = await tablesRead(`query($id: ID!, $yes: Boolean = true) { household(id: $id) @include(if: $yes) { address { street } members { givenName housing { rentArrearsMonths } } } }`, { id: 'hh-1001' });
    expect(tables.sort()).toEqual([STANDING, 'household', 'person']);
  });
});
