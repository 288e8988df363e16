import { buildClientSchema, getIntrospectionQuery, parse, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { selectedCoordinates } from '../../selection/selected-fields.ts';
import { postToAdapter } from './adapter-client.ts';
import type { DomainContract } from './contract.ts';
import type { HubTokens } from './hub-tokens.ts';

const INTROSPECTION_QUERY = getIntrospectionQuery();

/**
 * The schema an adapter serves, read by introspection with a hub token for exactly the introspection
 * fields (as the hub would sign them); or why it could not be read.
 */
export async function introspectAdapter(url: string, contract: DomainContract, tokens: HubTokens, timeoutMs: number): Promise<GraphQLSchema | string> {
  const token = tokens.valid(selectedCoordinates(contract.schema, parse(INTROSPECTION_QUERY)));
  const answer = await postToAdapter(url, { query: INTROSPECTION_QUERY, token, timeoutMs });
  if (answer.status !== 200) return `introspection answered HTTP ${answer.status}`;
  const data = answer.body?.data as IntrospectionQuery | undefined;
  if (!data?.__schema) return 'introspection gave no schema';
  try {
    return buildClientSchema(data);
  } catch {
    return 'introspection gave an unusable schema';
  }
}
