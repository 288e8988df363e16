import { loadDomainSdl } from '../../domain/partner-domains.ts';
import { withDefaults, type AdapterConfig, type StartAdapterOptions } from '../adapter-config.ts';
import { defineAdapter, startAdapter, type PartnerAdapterOptions, type RunningGraphQLService } from '../sdk/index.ts';
import { fetchHousing } from './partner-client.ts';
import type { Housing } from './translate.ts';

/** The housing adapter: the hub's housing contract on top of the corporation's tenant REST API. */
export function housingAdapter(config: AdapterConfig) {
  return defineAdapter<Housing>({
    name: 'housing-adapter',
    domain: 'housing',
    contractSdl: loadDomainSdl('housing'),
    personField: 'housing',
    fetch: (bsns, fields, call) => fetchHousing({ ...config, timeBudgetMs: call.timeBudgetMs }, bsns, fields, call.signal),
  });
}

export function startHousingAdapter(options: StartAdapterOptions & PartnerAdapterOptions): Promise<RunningGraphQLService> {
  return startAdapter(housingAdapter(withDefaults(options)), options);
}
