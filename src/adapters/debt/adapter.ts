import { loadDomainSdl } from '../../domain/partner-domains.ts';
import { withDefaults, type AdapterConfig, type StartAdapterOptions } from '../adapter-config.ts';
import { defineAdapter, startAdapter, type PartnerAdapterOptions, type RunningGraphQLService } from '../sdk/index.ts';
import { fetchDebt } from './partner-client.ts';
import type { Debt } from './translate.ts';

/** The debt adapter: the hub's debt contract on top of the debt-relief case system's REST API. */
export function debtAdapter(config: AdapterConfig) {
  return defineAdapter<Debt>({
    name: 'debt-adapter',
    domain: 'debt',
    contractSdl: loadDomainSdl('debt'),
    personField: 'debt',
    fetch: (bsns, fields, call) => fetchDebt({ ...config, timeBudgetMs: call.timeBudgetMs }, bsns, fields, call.signal),
  });
}

export function startDebtAdapter(options: StartAdapterOptions & PartnerAdapterOptions): Promise<RunningGraphQLService> {
  return startAdapter(debtAdapter(withDefaults(options)), options);
}
