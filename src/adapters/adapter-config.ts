/** What every adapter is configured with (from env vars, see loadAdapterServiceConfig; parameters in tests). */
export interface AdapterConfig {
  /** Base URL of the partner system: the REST API root, or the FHIR base (…/fhir) for GGZ. */
  partnerUrl: string;
  /** The whole partner call, connect to last byte, must fit in this many milliseconds. */
  timeBudgetMs: number;
  /** The credential the partner expects (debt relief: `x-api-key`); never logged. */
  apiKey?: string;
}

export interface StartAdapterOptions {
  host?: string;
  port?: number;
  partnerUrl: string;
  timeBudgetMs?: number;
  apiKey?: string;
}

export const DEFAULT_TIME_BUDGET_MS = 2000;

export function withDefaults(options: StartAdapterOptions): AdapterConfig {
  return { partnerUrl: options.partnerUrl, timeBudgetMs: options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS, apiKey: options.apiKey };
}
