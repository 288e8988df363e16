import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadDomainSdl } from '../../src/domain/partner-domains.ts';
import { domainFieldNames, selectedCoordinates } from '../../src/selection/selected-fields.ts';

const housing = buildSchema(loadDomainSdl('housing'));
const nested = buildSchema(`
  type Query { peopleByBsn(bsns: [String!]!): [Person]! }
  type Person { bsn: String! debt: Debt }
  type Debt { caseStatus: String creditor: Creditor }
  type Creditor { name: String amount: Float }
`);

describe('selectedCoordinates', () => {
  it('names fields by type and field, not by alias, through named and inline fragments, without __typename', () => {
    const document = parse(`
      query A($b: [String!]!) { p: peopleByBsn(bsns: $b) { __typename bsn ... on Person { h: housing { ...H monthlyRent } } } }
      fragment H on Housing { evictionStatus x: evictionStatus __typename }
    `);
    expect(selectedCoordinates(housing, document)).toEqual(['Housing.evictionStatus', 'Housing.monthlyRent', 'Person.bsn', 'Person.housing', 'Query.peopleByBsn']);
  });

  it('resolves nested objects against the contract, and counts every operation in the document', () => {
    const document = parse(`
      query A { peopleByBsn(bsns: []) { debt { creditor { name } } } }
      query B { peopleByBsn(bsns: []) { bsn debt { caseStatus } } }
    `);
    const coordinates = selectedCoordinates(nested, document);
    expect(coordinates).toEqual(['Creditor.name', 'Debt.caseStatus', 'Debt.creditor', 'Person.bsn', 'Person.debt', 'Query.peopleByBsn']);
    expect(domainFieldNames(nested, coordinates, 'debt')).toEqual(['caseStatus', 'creditor']);
  });

  it('lists an unknown field as asked (so a token check refuses it) without descending into it', () => {
    expect(selectedCoordinates(housing, parse('{ peopleByBsn(bsns: []) { secret { x } } }'))).toEqual(['Person.secret', 'Query.peopleByBsn']);
  });
});
