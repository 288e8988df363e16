import { isObjectType } from 'graphql';
import type { HubSigningKey } from '../../auth/hub-signing-key.ts';
import { AdapterUnreachable } from './adapter-client.ts';
import type { CheckContext, CheckOutcome, ConformanceCheck } from './check.ts';
import { contractDomains, loadContract, type DomainContract } from './contract.ts';
import { hubTokens } from './hub-tokens.ts';
import { introspectAdapter } from './introspection.ts';
import { schemaCompatible } from './checks/schema-compatible.ts';
import { unknownKeysNull } from './checks/unknown-keys-null.ts';
import { keyOrder } from './checks/key-order.ts';
import { requestedFieldsOnly } from './checks/requested-fields-only.ts';
import { invalidBsnRejected } from './checks/invalid-bsn-rejected.ts';
import { hubTokenRequired } from './checks/hub-token-required.ts';
import { tokenFieldScope } from './checks/token-field-scope.ts';
import { tokenBoundToBody } from './checks/token-bound-to-body.ts';
import { timeBudget } from './checks/time-budget.ts';

/** All checks, in the order they run; the time budget last, when the adapter is warm. */
export const CONFORMANCE_CHECKS: readonly ConformanceCheck[] = [
  schemaCompatible,
  unknownKeysNull,
  keyOrder,
  requestedFieldsOnly,
  invalidBsnRejected,
  hubTokenRequired,
  tokenFieldScope,
  tokenBoundToBody,
  timeBudget,
];

export const DEFAULT_TIME_BUDGET_MS = 2000;

export interface ConformanceOptions {
  /** The adapter's GraphQL endpoint. */
  url: string;
  /** The contract domain; when absent it is found by asking the adapter (see `detectDomain`). */
  domain?: string;
  hubKey: HubSigningKey;
  timeBudgetMs?: number;
}

export interface CheckResult extends CheckOutcome {
  name: string;
}

export interface ConformanceReport {
  url: string;
  domain: string;
  results: CheckResult[];
  passed: boolean;
}

export class ConformanceSetupError extends Error {}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const timeBudgetMs = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
  const requestTimeoutMs = Math.max(5_000, timeBudgetMs * 2);
  const domain = options.domain ?? (await detectDomain(options.url, options.hubKey, requestTimeoutMs));
  const contract = loadContract(domain);
  const context: CheckContext = { url: options.url, contract, tokens: hubTokens(options.hubKey, domain), timeBudgetMs, requestTimeoutMs };
  const results: CheckResult[] = [];
  for (const check of CONFORMANCE_CHECKS) results.push({ name: check.name, ...(await runOne(check, context)) });
  return { url: options.url, domain, results, passed: results.every((result) => result.passed) };
}

async function runOne(check: ConformanceCheck, context: CheckContext): Promise<CheckOutcome> {
  try {
    return await check.run(context);
  } catch (error) {
    if (error instanceof AdapterUnreachable) return { passed: false, reason: error.message };
    // The kit's own failure: the class name only, a message could carry what was sent.
    return { passed: false, reason: `the check could not run (${error instanceof Error ? error.name : typeof error})` };
  }
}

/**
 * The domain of an adapter that did not say: the contract whose audience the adapter accepts and whose
 * Person field it serves. Tries each contract in schema/domains.
 */
export async function detectDomain(url: string, hubKey: HubSigningKey, timeoutMs: number): Promise<string> {
  let reached = false;
  for (const domain of contractDomains()) {
    let contract: DomainContract;
    try {
      contract = loadContract(domain);
    } catch {
      continue;
    }
    const served = await introspectAdapter(url, contract, hubTokens(hubKey, domain), timeoutMs).catch((error: unknown) => {
      if (error instanceof AdapterUnreachable) return undefined;
      throw error;
    });
    if (served !== undefined) reached = true;
    if (served === undefined || typeof served === 'string') continue;
    const person = served.getType('Person');
    if (isObjectType(person) && contract.personField in person.getFields()) return domain;
  }
  if (!reached) throw new ConformanceSetupError('could not reach the adapter');
  throw new ConformanceSetupError('could not tell which domain this adapter serves: pass --domain <domain>');
}
