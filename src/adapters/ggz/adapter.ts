import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { withDefaults, type AdapterConfig, type StartAdapterOptions } from '../adapter-config.ts';
import { loadDomainSdl } from '../../domain/partner-domains.ts';
import { startGraphQLService, type RunningGraphQLService } from '../graphql-http-server.ts';
import { callPartner, joinUrl } from '../partner-call.ts';
import { peopleByBsnResolver } from '../people-by-bsn.ts';
import { BSN_SYSTEM, careFromBundle, type Care } from './translate.ts';

/**
 * The GGZ adapter: the hub's care contract on top of the provider's FHIR R4 server.
 * `partnerUrl` is the FHIR base URL (e.g. http://127.0.0.1:4103/fhir).
 */

/** The rev-included resources the mapping needs, nothing more (data minimisation). */
const REVINCLUDES = ['EpisodeOfCare:patient', 'CareTeam:patient', 'CarePlan:subject'];

/** The form body of one Patient/_search for all BSNs: comma-separated identifiers are OR-ed. */
export function patientSearchBody(bsns: readonly string[]): string {
  const params = new URLSearchParams();
  params.set('identifier', bsns.map((bsn) => `${BSN_SYSTEM}|${bsn}`).join(','));
  for (const revinclude of REVINCLUDES) params.append('_revinclude', revinclude);
  return params.toString();
}

/** All BSNs in one POST [base]/Patient/_search; a BSN missing from the map is not a known patient. */
export function fetchCare(config: AdapterConfig, bsns: string[]): Promise<Map<string, Care>> {
  return callPartner({
    domain: 'care',
    url: joinUrl(config.partnerUrl, 'Patient/_search'),
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/fhir+json' },
    body: patientSearchBody(bsns),
    timeBudgetMs: config.timeBudgetMs,
    decode: careFromBundle,
  });
}

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
