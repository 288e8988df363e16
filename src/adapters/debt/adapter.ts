import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { withDefaults, type AdapterConfig, type StartAdapterOptions } from '../adapter-config.ts';
import { loadDomainSdl } from '../../domain/partner-domains.ts';
import { startGraphQLService, type RunningGraphQLService } from '../graphql-http-server.ts';
import { recordsWithBsn } from '../json-read.ts';
import { callPartner, joinUrl } from '../partner-call.ts';
import { peopleByBsnResolver } from '../people-by-bsn.ts';
import { toDebt, type Debt } from './translate.ts';

/** The debt adapter: the hub's debt contract on top of the debt-relief case system's REST API. */

/** All BSNs in one POST /api/v1/dossiers/zoeken; a BSN missing from the map has no case. */
export async function fetchDebt(config: AdapterConfig, bsns: string[]): Promise<Map<string, Debt>> {
  const dossiers = await callPartner({
    domain: 'debt',
    url: joinUrl(config.partnerUrl, '/api/v1/dossiers/zoeken'),
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ bsns }),
    timeBudgetMs: config.timeBudgetMs,
    decode: (json) => recordsWithBsn(json, 'dossiers'),
  });
  return new Map(dossiers.map((dossier) => [dossier.bsn as string, toDebt(dossier)]));
}

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
