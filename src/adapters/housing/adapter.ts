import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { withDefaults, type AdapterConfig, type StartAdapterOptions } from '../adapter-config.ts';
import { loadDomainSdl } from '../../domain/partner-domains.ts';
import { startGraphQLService, type RunningGraphQLService } from '../graphql-http-server.ts';
import { peopleByBsnResolver } from '../people-by-bsn.ts';
import { fetchHousing } from './partner-client.ts';

/** The housing adapter: the hub's housing contract on top of the corporation's tenant REST API. */

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
