/** What every adapter is configured with (from env vars later; parameters for now). */
export interface AdapterConfig {
  /** Base URL of the partner system: the REST API root, or the FHIR base (…/fhir) for GGZ. */
  partnerUrl: string;
  /** The whole partner call, connect to last byte, must fit in this many milliseconds. */
  timeBudgetMs: number;
}

export interface StartAdapterOptions {
  host?: string;
  port?: number;
  partnerUrl: string;
  timeBudgetMs?: number;
}

export const DEFAULT_TIME_BUDGET_MS = 2000;

export function withDefaults(options: StartAdapterOptions): AdapterConfig {
  return { partnerUrl: options.partnerUrl, timeBudgetMs: options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS };
}
