import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { withDefaults, type AdapterConfig, type StartAdapterOptions } from '../adapter-config.ts';
import { loadDomainSdl } from '../../domain/partner-domains.ts';
import { startGraphQLService, type RunningGraphQLService } from '../graphql-http-server.ts';
import { recordsWithBsn } from '../json-read.ts';
import { callPartner, joinUrl } from '../partner-call.ts';
import { peopleByBsnResolver } from '../people-by-bsn.ts';
import { toHousing, type Housing } from './translate.ts';

/** The housing adapter: the hub's housing contract on top of the corporation's tenant REST API. */

/** All BSNs in one POST /api/v1/huurders/zoeken; a BSN missing from the map is not a tenant. */
export async function fetchHousing(config: AdapterConfig, bsns: string[]): Promise<Map<string, Housing>> {
  const huurders = await callPartner({
    domain: 'housing',
    url: joinUrl(config.partnerUrl, '/api/v1/huurders/zoeken'),
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ bsns }),
    timeBudgetMs: config.timeBudgetMs,
    decode: (json) => recordsWithBsn(json, 'huurders'),
  });
  return new Map(huurders.map((huurder) => [huurder.bsn as string, toHousing(huurder)]));
}

export function createHousingAdapterSchema(config: AdapterConfig): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: loadDomainSdl('housing'),
    resolvers: { Query: { peopleByBsn: peopleByBsnResolver('housing', (bsns) => fetchHousing(config, bsns)) } },
  });
}

export function startHousingAdapter(options: StartAdapterOptions): Promise<RunningGraphQLService> {
  const schema = createHousingAdapterSchema(withDefaults(options));
  return startGraphQLService({ name: 'housing-adapter', schema, host: options.host, port: options.port });
}
