import { postToAdapter, type AdapterAnswer } from './adapter-client.ts';
import type { DomainContract } from './contract.ts';
import type { HubTokens } from './hub-tokens.ts';
import type { PeopleQuery } from './people-query.ts';

/** One conformance check: a name, and a run that asks the adapter over HTTP and judges the answers. */
export interface ConformanceCheck {
  name: string;
  run(context: CheckContext): Promise<CheckOutcome>;
}

/** The verdict of a check; `reason` is short and never holds a BSN or a token. */
export interface CheckOutcome {
  passed: boolean;
  reason: string;
}

export interface CheckContext {
  url: string;
  contract: DomainContract;
  tokens: HubTokens;
  /** The most a batch of 50 keys may take. */
  timeBudgetMs: number;
  /** How long any single request may take before the kit gives up on it. */
  requestTimeoutMs: number;
}

export const pass = (reason: string): CheckOutcome => ({ passed: true, reason });
export const fail = (reason: string): CheckOutcome => ({ passed: false, reason });

/** Asks `peopleByBsn` with a valid hub token for exactly the fields the query selects. */
export async function askPeople(context: CheckContext, query: PeopleQuery, bsns: string[], timeoutMs = context.requestTimeoutMs): Promise<AdapterAnswer> {
  return postToAdapter(context.url, {
    query: query.text,
    variables: { bsns },
    token: context.tokens.valid(query.coordinates),
    timeoutMs,
  });
}

export type PersonItem = Record<string, unknown> | null;

/** The `peopleByBsn` list of a successful answer, or why the answer is not one. */
export function peopleList(answer: AdapterAnswer, expectedLength: number): PersonItem[] | string {
  if (answer.status !== 200) return `HTTP ${answer.status}${errorCodes(answer)}`;
  if (!answer.body) return 'the answer is not a JSON object';
  if (answer.body.errors?.length) return `errors in the answer${errorCodes(answer)}`;
  const list = answer.body.data?.peopleByBsn;
  if (!Array.isArray(list)) return 'no peopleByBsn list in the answer';
  if (list.length !== expectedLength) return `${list.length} items for ${expectedLength} keys`;
  if (!list.every((item) => item === null || (typeof item === 'object' && !Array.isArray(item)))) return 'an item is neither a person nor null';
  return list as PersonItem[];
}

/** ' (codes: A, B)' for the errors in an answer, or ''. Codes are fixed strings, safe to print. */
export function errorCodes(answer: AdapterAnswer): string {
  const codes = [...new Set((answer.body?.errors ?? []).map((error) => String(error.extensions?.code ?? 'no code')))];
  return codes.length ? ` (codes: ${codes.join(', ')})` : '';
}

/** Positions (1-based, for people) of the items whose `bsn` is not the key asked at that position. */
export function misplacedPositions(items: PersonItem[], keys: string[]): number[] {
  return items.flatMap((item, index) => (item !== null && item.bsn !== keys[index] ? [index + 1] : []));
}
