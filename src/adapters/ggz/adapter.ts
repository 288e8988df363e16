import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { withDefaults, type AdapterConfig, type StartAdapterOptions } from '../adapter-config.ts';
import { loadDomainSdl } from '../../domain/partner-domains.ts';
import { startGraphQLService, type RunningGraphQLService } from '../graphql-http-server.ts';
import { peopleByBsnResolver } from '../people-by-bsn.ts';
import { fetchCare } from './partner-client.ts';

/**
 * The GGZ adapter: the hub's care contract on top of the provider's FHIR R4 server.
 * `partnerUrl` is the FHIR base URL (e.g. http://127.0.0.1:4103/fhir).
 */

export function createGgzAdapterSchema(config: AdapterConfig): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: loadDomainSdl('care'),
    resolvers: { Query: { peopleByBsn: peopleByBsnResolver('care', (bsns) => fetchCare(config, bsns)) } },
  });
}

export function startGgzAdapter(options: StartAdapterOptions): Promise<RunningGraphQLService> {
  const schema = createGgzAdapterSchema(withDefaults(options));
  return startGraphQLService({ name: 'ggz-adapter', schema, host: options.host, port: options.port });
}
