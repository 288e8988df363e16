import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { findInvalidString, invalidStringReason } from '../../src/edge/string-input-check.ts';
import { allDemoPeople } from '../../src/demo/population.ts';

const linda = allDemoPeople().find((person) => person.givenName === 'Linda')!;
const RECORD = 'mutation Record($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id } } }';
const validInput = (overrides: Record<string, unknown> = {}) => ({
  bsn: linda.bsn, givenBy: 'DATA_SUBJECT', evidenceMethod: 'WRITTEN', evidenceReference: 'DMS-2026-001234', category: 'ggz',
  granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning', validFrom: '2026-11-01', validUntil: '2027-11-01', ...overrides,
});

describe('invalidStringReason', () => {
  it('names NUL, other control characters and lone surrogates, and allows tab, newlines and any real Unicode', () => {
    expect(invalidStringReason('a\u0000b')).toBe('contains the control character U+0000');
    expect(invalidStringReason('bel\u0007')).toBe('contains the control character U+0007');
    expect(invalidStringReason('\u009b')).toBe('contains the control character U+009B');
    expect(invalidStringReason('x\uD800')).toBe('contains invalid Unicode (a lone surrogate)');
    expect(invalidStringReason('\uDC00x')).toBe('contains invalid Unicode (a lone surrogate)');
    expect(invalidStringReason('Ayşe 😀\tregel 1\nregel 2\r\n')).toBeUndefined();
  });

  it('finds the string in lists, input objects, variable defaults and variables, and names where', () => {
    expect(findInvalidString(parse('query ($v: String = "ok") { a(x: ["ok", "\\u0000"]) }'), {})?.where).toBe('argument "x[1]"');
    expect(findInvalidString(parse('{ b(input: { c: { d: "\\u0001" } }) }'), {})?.where).toBe('argument "input.c.d"');
    expect(findInvalidString(parse('query ($w: String = "d\\u0000") { a }'), {})?.where).toBe('the default of variable "$w"');
    expect(findInvalidString(parse('query ($i: In) { a(i: $i) }'), { i: { list: ['ok', 'x\u0000'] } })?.where).toBe('variable "$i" at "i.list[1]"');
    // A variable the operation does not declare is never read, and its name could be anything.
    expect(findInvalidString(parse('{ a }'), { '999906318': 'x\u0000' })).toBeUndefined();
    // A client's key is named only when it is a GraphQL name.
    expect(findInvalidString(parse('query ($i: In) { a(i: $i) }'), { i: { '999906318': 'x\u0000' } })?.where).toBe('variable "$i" at "i.?"');
  });

  it('checks every request\'s variables afresh when requests share one parsed document (what of the document is known is kept per document)', () => {
    const document = parse('query ($i: In, $s: String = "ok") { a(i: $i, t: "fine") }');
    expect(findInvalidString(document, { i: 'ok' })).toBeUndefined();
    expect(findInvalidString(document, { i: 'x\u0000' })?.where).toBe('variable "$i"');
    expect(findInvalidString(document, { s: 'x\u0007' })?.where).toBe('variable "$s"');
    expect(findInvalidString(document, { i: 'ok' })).toBeUndefined();
    const badLiteral = parse('query ($i: In) { a(i: $i, t: "x\u0000") }');
    expect(findInvalidString(badLiteral, { i: 'ok' })?.where).toBe('argument "t"');
    expect(findInvalidString(badLiteral, { i: 'x\u0000' })?.where).toBe('argument "t"');
  });
});

describeWithPostgres('invalid strings over HTTP', (database) => {
  let hub: TestHub;
  let token: string;
  beforeAll(async () => {
    hub = await startTestHub(database());
    token = await hub.token();
  });
  afterAll(async () => hub?.stop());

  const auditRows = () => hub.database.prisma.auditRecord.count();

  it('answers a NUL byte in an id literal or variable with BAD_USER_INPUT naming the argument, not "Internal error"', async () => {
    const before = await auditRows();
    const literal = await hub.query(token, '{ household(id: "hh-1001\\u0000") { id } }');
    expect(literal.status).toBe(400);
    expect(literal.body.data).toBeUndefined();
    expect(literal.body.errors).toEqual([{ message: 'The argument "id" contains the control character U+0000, which is not allowed in text', extensions: { code: 'BAD_USER_INPUT' } }]);
    const variable = await hub.query(token, 'query ($id: ID!) { household(id: $id) { id } }', { id: 'hh-1001\u0000' });
    expect(variable.status).toBe(400);
    expect(variable.body.errors![0]).toEqual({ message: 'The variable "$id" contains the control character U+0000, which is not allowed in text', extensions: { code: 'BAD_USER_INPUT' } });
    const bsn = await hub.query(token, 'query ($bsn: String!) { householdByMemberBsn(bsn: $bsn) { id } }', { bsn: `${linda.bsn}\u0000` });
    expect(bsn.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(bsn.body)).not.toContain(linda.bsn);
    expect(await auditRows()).toBe(before);
  });

  it('refuses NUL, control characters and lone surrogates in every text argument of the consent mutation, writing nothing', async () => {
    const consents = await hub.database.prisma.consent.count();
    for (const [field, value] of [['evidenceReference', 'DMS\u0000'], ['representativeName', 'Jan\u0007'], ['purpose', 'wijkteam\uD800'], ['validFrom', '2026-11-01\u0000']] as const) {
      const response = await hub.query(token, RECORD, { input: validInput({ [field]: value }) });
      expect(response.status).toBe(400);
      expect(response.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(response.body.errors![0].message).toMatch(new RegExp(`^The variable "\\$input" at "input\\.${field}" contains `));
    }
    const withdraw = await hub.query(token, 'mutation ($id: ID!, $reason: String) { withdrawConsent(id: $id, reason: $reason) { id } }', { id: 'x', reason: 'belde\u0000' });
    expect(withdraw.body.errors![0].message).toBe('The variable "$reason" contains the control character U+0000, which is not allowed in text');
    expect(await hub.database.prisma.consent.count()).toBe(consents);
  });

  it('still serves text with tabs, newlines and non-ASCII letters', async () => {
    const response = await hub.query(token, 'query ($id: ID!) { household(id: $id) { id } }', { id: 'hh-1001' });
    expect(response.body.data!.household.id).toBe('hh-1001');
    const unknown = await hub.query(token, '{ household(id: "Ayşe\\tregel\\n") { id } }');
    expect(unknown.status).toBe(200);
    expect(unknown.body.data!.household).toBeNull();
  });
});
