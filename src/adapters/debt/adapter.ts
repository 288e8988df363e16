import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { withDefaults, type AdapterConfig, type StartAdapterOptions } from '../adapter-config.ts';
import { loadDomainSdl } from '../../domain/partner-domains.ts';
import { startGraphQLService, type RunningGraphQLService } from '../graphql-http-server.ts';
import { peopleByBsnResolver } from '../people-by-bsn.ts';
import { fetchDebt } from './partner-client.ts';

/** The debt adapter: the hub's debt contract on top of the debt-relief case system's REST API. */

export function createDebtAdapterSchema(config: AdapterConfig): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: loadDomainSdl('debt'),
    resolvers: { Query: { peopleByBsn: peopleByBsnResolver('debt', (bsns) => fetchDebt(config, bsns)) } },
  });
}

export function startDebtAdapter(options: StartAdapterOptions): Promise<RunningGraphQLService> {
  const schema = createDebtAdapterSchema(withDefaults(options));
  return startGraphQLService({ name: 'debt-adapter', schema, host: options.host, port: options.port });
}
