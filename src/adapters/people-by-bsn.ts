import { GraphQLError } from 'graphql';
import { isValidBsn } from '../domain/bsn.ts';
import { MAX_KEYS_PER_REQUEST } from '../domain/partner-domains.ts';

/**
 * The one query every adapter contract has: `peopleByBsn(bsns)`. This module holds what all adapters
 * share: input validation, one partner look-up for the whole batch, and answering in key order.
 */

/** A guard against one query asking a partner for everyone; the gateway splits larger batches. */
export const MAX_BSNS_PER_QUERY = MAX_KEYS_PER_REQUEST;

/** Looks up the distinct BSNs in ONE partner call; a BSN missing from the map is unknown to the partner. */
export type FetchFacts<F> = (bsns: string[]) => Promise<Map<string, F>>;

export type PersonResult<K extends string, F> = ({ bsn: string } & Record<K, F>) | null;

export function assertValidBsns(bsns: readonly string[]): void {
  if (bsns.length > MAX_BSNS_PER_QUERY) {
    throw new GraphQLError(`Too many BSNs: at most ${MAX_BSNS_PER_QUERY} per query`, {
      extensions: { code: 'BAD_USER_INPUT', argument: 'bsns' },
    });
  }
  bsns.forEach((bsn, index) => {
    if (!isValidBsn(bsn)) {
      // The index lets the caller find the bad key; the value itself stays out of errors and logs.
      throw new GraphQLError('Invalid BSN: does not pass the elfproef', {
        extensions: { code: 'BAD_USER_INPUT', argument: 'bsns', index },
      });
    }
  });
}

/** A `Query.peopleByBsn` resolver answering in the order of `bsns`, with `null` for unknown people. */
export function peopleByBsnResolver<K extends string, F>(field: K, fetchFacts: FetchFacts<F>) {
  return async (_root: unknown, args: { bsns: string[] }): Promise<PersonResult<K, F>[]> => {
    assertValidBsns(args.bsns);
    if (args.bsns.length === 0) return [];
    const facts = await fetchFacts([...new Set(args.bsns)]);
    return args.bsns.map((bsn) => {
      const found = facts.get(bsn);
      return found === undefined ? null : ({ bsn, [field]: found } as PersonResult<K, F>);
    });
  };
}
