import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildSchema, parse } from 'graphql';
import { loadHubSigningKey, type HubSigningKey } from '../../src/auth/hub-signing-key.ts';
import { signUpstreamToken, type UpstreamTokenClaims } from '../../src/auth/upstream-token.ts';
import { contentDigest } from '../../src/auth/request-digest.ts';
import { requestBody } from '../../src/adapters/conformance/adapter-client.ts';
import { loadDomainSdl, type Domain } from '../../src/domain/partner-domains.ts';
import { selectedCoordinates, type HubKeys } from '../../src/adapters/sdk/index.ts';

/**
 * A temporary hub signing key (in a temp folder, as the embedded hub makes it) for adapter tests: it
 * signs upstream tokens the way the gateway does, and its data folder holds the adapters' DEMO log key
 * and processing logs.
 */
export interface TestHubKeys {
  hubKey: HubSigningKey;
  hubKeys: HubKeys;
  dataDir: string;
  /**
   * A hub token for `domain` covering exactly what `query` selects, bound to the body `postGraphQL`
   * sends for `query` and `variables` (as the gateway signs it).
   */
  tokenFor(domain: string, query: string, variables?: Record<string, unknown>, overrides?: Partial<UpstreamTokenClaims>): Promise<string>;
  /** Headers for one hub request: a fresh token for this query and these variables. */
  headersFor(domain: string, query: string, variables?: Record<string, unknown>, overrides?: Partial<UpstreamTokenClaims>): Promise<Record<string, string>>;
  cleanup(): Promise<void>;
}

export const TEST_CALLER = { professional: 'wijkcoach-anna', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };

export async function createTestHubKeys(): Promise<TestHubKeys> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-adapter-test-'));
  const hubKey = await loadHubSigningKey(dataDir, {});
  const tokenFor = (domain: string, query: string, variables?: Record<string, unknown>, overrides: Partial<UpstreamTokenClaims> = {}) => {
    const contract = buildSchema(loadDomainSdl(domain as Domain));
    const digest = contentDigest(requestBody(query, variables));
    return signUpstreamToken(hubKey, { domain, ...TEST_CALLER, fields: selectedCoordinates(contract, parse(query)), contentDigest: digest, ...overrides });
  };
  return {
    hubKey,
    hubKeys: { jwks: hubKey.jwks },
    dataDir,
    tokenFor,
    async headersFor(domain, query, variables, overrides) {
      return { authorization: `Bearer ${await tokenFor(domain, query, variables, overrides)}` };
    },
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}
