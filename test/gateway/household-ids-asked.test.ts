import { describe, expect, it } from 'vitest';
import { getOperationAST, parse } from 'graphql';
import { householdIdsAsked } from '../../src/gateway/household-ids-asked.ts';

function idsOf(query: string, variables?: Record<string, unknown>): string[] {
  return householdIdsAsked(getOperationAST(parse(query))!, variables);
}

describe('householdIdsAsked', () => {
  it('takes the ids of household(id) and households(ids) from variables and literals, once each', () => {
    expect(idsOf('query($id: ID!) { household(id: $id) { id } }', { id: 'hh-1' })).toEqual(['hh-1']);
    expect(idsOf('query($ids: [ID!]!) { households(ids: $ids) { id } }', { ids: ['hh-1', 'hh-2'] })).toEqual(['hh-1', 'hh-2']);
    expect(idsOf('{ a: household(id: "hh-1") { id } b: households(ids: ["hh-2", "hh-1"]) { id } }')).toEqual(['hh-1', 'hh-2']);
    // GraphQL takes one value for a list variable as a list of one.
    expect(idsOf('query($ids: [ID!]!) { households(ids: $ids) { id } }', { ids: 'hh-3' })).toEqual(['hh-3']);
  });

  it('gives nothing for what is not plain to see before execution', () => {
    expect(idsOf('query($id: ID!, $skip: Boolean!) { household(id: $id) @skip(if: $skip) { id } }', { id: 'hh-1', skip: true })).toEqual([]);
    expect(idsOf('{ ...F } fragment F on Query { household(id: "hh-1") { id } }')).toEqual([]);
    expect(idsOf('query($id: ID!) { household(id: $id) { id } }', { id: 1001 })).toEqual([]);
    expect(idsOf('query($id: ID!) { household(id: $id) { id } }', {})).toEqual([]);
    expect(idsOf('query($bsn: String!) { householdByMemberBsn(bsn: $bsn) { id } }', { bsn: '999990019' })).toEqual([]);
    expect(idsOf('query($ids: [ID!]!) { households(ids: $ids) { id } }', { ids: Array.from({ length: 101 }, (_, index) => `hh-${index}`) })).toEqual([]);
    expect(idsOf('query($ids: [ID!]!) { households(ids: $ids) { id } }', { ids: ['hh-1', 2] })).toEqual([]);
    // A list where household(id) takes one id fails coercion: nothing is read ahead for it.
    expect(idsOf('query($id: ID!) { household(id: $id) { id } }', { id: ['hh-1', 'hh-2'] })).toEqual([]);
    // Ids the edge refuses (a lone surrogate, a NUL byte): the request ends there, nothing is read for it.
    expect(idsOf('query($id: ID!) { household(id: $id) { id } }', { id: 'hh-\ud800' })).toEqual([]);
    expect(idsOf('query($ids: [ID!]!) { households(ids: $ids) { id } }', { ids: ['hh-1', 'hh-\u0000'] })).toEqual([]);
  });
});
