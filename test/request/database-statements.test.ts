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
const STANDING_WITH_CONSENTS = 'break_glass_grant+consent+involvement+person';

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

  it('reads a case screen of one household in three statements: household, members, standing with the consents', async () => {
    const tables = await tablesRead(`query($id: ID!) { household(id: $id) { ${CASE_SCREEN} } }`, { id: 'hh-1001' });
    // The standing (involvement and break-the-glass grant) is one statement, and brings the members'
    // consents along since care depends on consent; a household's involvement list is not read when
    // Household.involvement is not selected. The standing runs beside the household read
    // (src/gateway/consents-with-standing.ts), so the order in which they finish is not fixed.
    expect(tables.sort()).toEqual([STANDING_WITH_CONSENTS, 'household', 'person']);
  });

  it('reads seven households in the same three statements as one', async () => {
    const tables = await tablesRead(`query($ids: [ID!]!) { households(ids: $ids) { ${CASE_SCREEN} } }`, { ids: SEVEN });
    expect(tables.sort()).toEqual([STANDING_WITH_CONSENTS, 'household', 'person']);
  });

  it('reads the involvement list only when Household.involvement is selected, once for all households', async () => {
    const tables = await tablesRead(`query($ids: [ID!]!) { households(ids: $ids) { id involvement { purpose } } }`, { ids: SEVEN });
    // The standing (need to know for the involvement field) and the list itself.
    expect(tables.filter((table) => table === STANDING || table === 'involvement')).toHaveLength(2);
    expect(tables.filter((table) => table === 'household')).toHaveLength(1);
    expect(tables.join(' ')).not.toMatch(/consent/);
  });

  it('reads no consents when no field the query selects depends on consent', async () => {
    const tables = await tablesRead(`query($id: ID!) { household(id: $id) { address { street } members { givenName housing { rentArrearsMonths } } } }`, { id: 'hh-1001' });
    expect(tables.sort()).toEqual([STANDING, 'household', 'person']);
  });
});
