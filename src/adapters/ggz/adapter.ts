import { loadDomainSdl } from '../../domain/partner-domains.ts';
import { withDefaults, type AdapterConfig, type StartAdapterOptions } from '../adapter-config.ts';
import { defineAdapter, startAdapter, type PartnerAdapterOptions, type RunningGraphQLService } from '../sdk/index.ts';
import { fetchCare } from './partner-client.ts';
import type { Care } from './translate.ts';

/**
 * The GGZ adapter: the hub's care contract on top of the provider's FHIR R4 server.
 * `partnerUrl` is the FHIR base URL (e.g. http://127.0.0.1:4103/fhir).
 */
export function ggzAdapter(config: AdapterConfig) {
  return defineAdapter<Care>({
    name: 'ggz-adapter',
    domain: 'care',
    contractSdl: loadDomainSdl('care'),
    personField: 'care',
    fetch: (bsns, fields, call) => fetchCare({ ...config, timeBudgetMs: call.timeBudgetMs }, bsns, fields, call.signal),
  });
}

export function startGgzAdapter(options: StartAdapterOptions & PartnerAdapterOptions): Promise<RunningGraphQLService> {
  return startAdapter(ggzAdapter(withDefaults(options)), options);
}
