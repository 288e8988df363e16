/**
 * Starts a whole hub for an end-to-end test: real PostgreSQL (a throw-away database), real partner
 * simulators, adapters and gateway over HTTP on free ports, the demo issuer with keys in a temp folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadGatewayConfig, type GatewayConfig } from '../../src/config/env.ts';
import { startHub, type RunningHub } from '../../src/hub/start-hub.ts';
import { DEMO_PROFILES } from '../../src/cli/demo-tokens.ts';
import type { TestDatabase } from './postgres.ts';

export interface TestHub extends RunningHub {
  dataDir: string;
  /** A signed token from the demo issuer; defaults to the wijkcoach demo profile. */
  token(overrides?: Partial<{ role: string; organisationId: string; purpose: string; subject: string; ttlSeconds: number }>): Promise<string>;
  /** POSTs a GraphQL request as a front end would. */
  query(token: string | undefined, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse>;
  stop(): Promise<void>;
}

export interface GraphQLResponse {
  status: number;
  body: {
    data?: Record<string, any> | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
    extensions?: Record<string, any>;
  };
}

export async function startTestHub(
  database: TestDatabase,
  configure: (config: GatewayConfig) => GatewayConfig = (c) => c,
): Promise<TestHub> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-test-'));
  // One demo professional sends thousands of requests back to back here (the property runner: 100,000),
  // far beyond the per-professional rate limit; test/edge/rate-limit.test.ts turns it on and tests it.
  const base = loadGatewayConfig({ PORT: '0', ONTSCHOT_DATA_DIR: dataDir, DATABASE_URL: database.url, ADAPTER_TIME_BUDGET_MS: '1500', RATE_LIMIT_PER_MINUTE: '0' });
  const zeroPorts = { housing: 0, debt: 0, care: 0 };
  let hub: RunningHub;
  try {
    hub = await startHub({
      config: configure(base),
      embeddedPartners: true,
      partnerPorts: zeroPorts,
      adapterPorts: zeroPorts,
      seedDemoData: true,
      demoIssuer: true,
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true }); // it holds key files
    throw error;
  }
  return {
    ...hub,
    dataDir,
    async token(overrides = {}) {
      const role = overrides.role ?? 'wijkcoach';
      const profile = DEMO_PROFILES[role] ?? DEMO_PROFILES.wijkcoach;
      return hub.demoIssuer!.issueToken(
        {
          subject: overrides.subject ?? profile.subject,
          organisationId: overrides.organisationId ?? profile.organisationId,
          roles: [role],
          purpose: overrides.purpose ?? profile.purpose,
        },
        overrides.ttlSeconds ?? 600,
      );
    },
    async query(token, query, variables, headers = {}) {
      const response = await fetch(hub.gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as GraphQLResponse['body'] };
    },
    async stop() {
      try {
        await hub.close();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** The errors of a response whose path starts with the given prefix. */
export function errorsAt(response: GraphQLResponse, ...pathPrefix: (string | number)[]) {
  return (response.body.errors ?? []).filter((error) => pathPrefix.every((part, index) => error.path?.[index] === part));
}
