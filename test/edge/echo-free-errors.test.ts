import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type GraphQLResponse, type TestHub } from '../support/hub.ts';
import { allDemoPeople } from '../../src/demo/population.ts';

const BSN = '999906318';
const linda = allDemoPeople().find((person) => person.givenName === 'Linda')!;
const RECORD = 'mutation Record($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id } } }';
const validInput = (overrides: Record<string, unknown> = {}) => ({
  bsn: linda.bsn, givenBy: 'DATA_SUBJECT', evidenceMethod: 'WRITTEN', evidenceReference: 'DMS-2026-001234', category: 'ggz',
  granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning', validFrom: '2026-11-01', validUntil: '2027-11-01', ...overrides,
});
const INPUT_LITERAL = (bsn: string) =>
  `mutation { recordConsent(input: { bsn: ${bsn}, givenBy: DATA_SUBJECT, evidenceMethod: WRITTEN, evidenceReference: "x", category: "ggz", granteeOrganisationId: "wijkteam-oost", purpose: "wijkteam-ondersteuning", validFrom: "2026-11-01" }) { consent { id } } }`;

describeWithPostgres('no error message carries a BSN, however it was sent', (database) => {
  let hub: TestHub;
  let token: string;
  beforeAll(async () => {
    hub = await startTestHub(database());
    token = await hub.token();
  });
  afterAll(async () => hub?.stop());

  function firstError(response: GraphQLResponse) {
    expect(JSON.stringify(response.body)).not.toMatch(new RegExp(`${BSN}|${linda.bsn}`));
    return response.body.errors![0];
  }

  it('an Int literal where a String is expected: the argument is named, the BSN is not repeated', async () => {
    const response = await hub.query(token, `{ personByBsn(bsn: ${BSN}) { givenName } }`);
    expect(response.status).toBe(400);
    expect(firstError(response)).toMatchObject({
      message: 'Argument "bsn" expects a value of type "String"; send identifiers such as a BSN as a variable of that type',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('a literal in a list or an input object: the path is named', async () => {
    const list = await hub.query(token, `{ consentsOf(bsn: [${BSN}]) { id } }`);
    expect(firstError(list).message).toBe('Argument "bsn" expects a value of type "String"; send identifiers such as a BSN as a variable of that type');
    const input = await hub.query(token, INPUT_LITERAL(linda.bsn));
    expect(firstError(input).message).toBe('Argument "input.bsn" expects a value of type "String"; send identifiers such as a BSN as a variable of that type');
    const enumValue = await hub.query(token, INPUT_LITERAL(`"${linda.bsn}"`).replace('DATA_SUBJECT', `B${BSN}`));
    expect(firstError(enumValue).message).toBe('Argument "input.givenBy" expects a value of type "ConsentGivenBy"; send identifiers such as a BSN as a variable of that type');
  });

  it('a variable of the wrong type, also inside an input object or a list', async () => {
    const plain = await hub.query(token, 'query ($bsn: String!) { personByBsn(bsn: $bsn) { givenName } }', { bsn: Number(BSN) });
    expect(plain.status).toBe(400);
    expect(firstError(plain)).toMatchObject({ message: 'Variable "$bsn" got an invalid value: expected a value of type "String".', extensions: { code: 'BAD_USER_INPUT' } });
    const nested = await hub.query(token, RECORD, { input: validInput({ bsn: Number(linda.bsn) }) });
    expect(firstError(nested).message).toBe('Variable "$input" got an invalid value at "input.bsn": expected a value of type "String".');
    const inList = await hub.query(token, 'query ($ids: [ID!]!) { households(ids: $ids) { id } }', { ids: ['hh-1001', { bsn: BSN }] });
    expect(firstError(inList).message).toBe('Variable "$ids" got an invalid value at "ids[1]": expected a value of type "ID".');
    const enumValue = await hub.query(token, RECORD, { input: validInput({ givenBy: BSN }) });
    expect(firstError(enumValue).message).toBe('Variable "$input" got an invalid value at "input.givenBy": expected one of the values of enum "ConsentGivenBy".');
  });

  it('a missing field of RecordConsentInput is named (input.givenBy) without echoing the input', async () => {
    const { givenBy: _omitted, ...withoutGivenBy } = validInput();
    const response = await hub.query(token, RECORD, { input: withoutGivenBy });
    expect(response.status).toBe(400);
    expect(firstError(response).message).toBe('Variable "$input" got an invalid value at "input.givenBy": Field "givenBy" of required type "ConsentGivenBy!" was not provided.');
  });

  it('an unknown field whose name is a BSN, a BSN as operation name, a BSN as an unexpected token', async () => {
    const unknownKey = await hub.query(token, RECORD, { input: validInput({ [BSN]: 'x' }) });
    expect(firstError(unknownKey).message).toBe('Variable "$input" got an invalid value: a field is not defined by type "RecordConsentInput".');
    const operation = await fetch(hub.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ household(id: "hh-1001") { id } }', operationName: BSN }),
    });
    const operationBody = (await operation.json()) as GraphQLResponse['body'];
    expect(JSON.stringify(operationBody)).not.toContain(BSN);
    expect(operationBody.errors![0].message).toBe('The request names an operation that is not in the document');
    const syntax = await hub.query(token, `{ personByBsn(bsn: "x") ${BSN} }`);
    expect(firstError(syntax)).toMatchObject({ message: 'Syntax Error: Expected Name, found Int.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  });
});
