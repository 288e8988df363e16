import { readFileSync } from 'node:fs';
import { buildSchema, printSchema, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterConfig } from '../../src/adapters/adapter-config.ts';
import { createAdapterSchema, type AdapterDefinition, type PartnerAdapterOptions, type RunningGraphQLService } from '../../src/adapters/sdk/index.ts';
import type { RunningSimulator } from '../../src/partners/simulator-server.ts';
import { peopleByBsn } from './graphql-client.ts';
import { createTestHubKeys, type TestHubKeys } from './hub-tokens.ts';

/**
 * The behaviour every adapter owes the gateway, run against the adapter's real partner simulator over
 * HTTP: the exact contract SDL, key order with nulls, one partner call per query, opaque errors.
 */
export interface AdapterContractCase {
  domain: 'housing' | 'debt' | 'care';
  /** Source label in error messages: '<Label> source unavailable'. */
  label: string;
  selection: string;
  /** BSNs the partner knows / does not know (all pass the elfproef). At least 3 known, 2 unknown. */
  known: string[];
  unknown: string[];
  startSimulator(): Promise<RunningSimulator>;
  partnerUrl(sim: RunningSimulator): string;
  definition(config: AdapterConfig): AdapterDefinition<unknown>;
  startAdapter(options: PartnerAdapterOptions): Promise<RunningGraphQLService>;
}

export function describeAdapterContract(c: AdapterContractCase): void {
  describe(`${c.domain} adapter: contract`, () => {
    let sim: RunningSimulator;
    let adapter: RunningGraphQLService;
    let hub: TestHubKeys;
    const query = (bsns: string[], url = adapter.url) => peopleByBsn(hub, url, bsns, c.domain, c.selection);
    const start = (partnerUrl: string, timeBudgetMs: number) => c.startAdapter({ partnerUrl, timeBudgetMs, hubKeys: hub.hubKeys, dataDir: hub.dataDir });

    beforeAll(async () => {
      hub = await createTestHubKeys();
      sim = await c.startSimulator();
      adapter = await start(c.partnerUrl(sim), 2000);
    });
    afterAll(async () => {
      try {
        await adapter?.close();
        await sim?.close();
      } finally {
        await hub?.cleanup(); // the key folder goes also when start-up or close failed
      }
    });

    /** The error of a failed query, checked to give nothing away. */
    function expectOpaqueError(result: Awaited<ReturnType<typeof query>>, bsns: string[], partnerUrl: string, code: string) {
      expect(result.body.data).toBeNull();
      expect(result.body.errors).toHaveLength(1);
      const [error] = result.body.errors!;
      expect(error.extensions?.code).toBe(code);
      const shown = JSON.stringify(result.body.errors);
      for (const bsn of bsns) expect(shown).not.toContain(bsn);
      const { host, port } = new URL(partnerUrl);
      expect(shown).not.toContain(host);
      expect(shown).not.toContain(port);
      expect(shown).not.toMatch(/https?:|stack|ECONNREFUSED|fetch failed/i);
      return error;
    }

    it('serves exactly the contract SDL from schema/domains', () => {
      const sdl = readFileSync(new URL(`../../schema/domains/${c.domain}.graphql`, import.meta.url), 'utf8');
      const schema: GraphQLSchema = createAdapterSchema(c.definition({ partnerUrl: 'http://127.0.0.1:9', timeBudgetMs: 100 }));
      expect(printSchema(schema)).toBe(printSchema(buildSchema(sdl)));
    });

    it('answers GET /healthz with 200 {"status":"ok"}', async () => {
      const res = await fetch(new URL('/healthz', adapter.url));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    });

    it('answers N BSNs in key order, null for unknown people, with exactly one partner call', async () => {
      const [k1, k2, k3] = c.known;
      const [u1, u2] = c.unknown;
      // Reversed against the partner's own order, with a duplicate, so order must come from the keys.
      const bsns = [u1, k3, k2, u2, k1, k3];
      sim.resetCount();
      const result = await query(bsns);
      expect(result.status).toBe(200);
      expect(result.body.errors).toBeUndefined();
      const people = result.body.data.peopleByBsn;
      expect(people.map((p: { bsn: string } | null) => p?.bsn ?? null)).toEqual([null, k3, k2, null, k1, k3]);
      for (const person of people.filter(Boolean)) expect(person[c.domain]).not.toBeNull();
      expect(sim.requestCount()).toBe(1);
    });

    it('does not call the partner for an empty list', async () => {
      sim.resetCount();
      const result = await query([]);
      expect(result.body.data.peopleByBsn).toEqual([]);
      expect(sim.requestCount()).toBe(0);
    });

    it('rejects a BSN that fails the elfproef with BAD_USER_INPUT, its index, not its value, and no partner call', async () => {
      const invalid = `${c.known[0].slice(0, 8)}${(Number(c.known[0][8]) + 1) % 10}`;
      sim.resetCount();
      const result = await query([c.known[1], invalid]);
      const error = expectOpaqueError(result, [invalid], c.partnerUrl(sim), 'BAD_USER_INPUT');
      expect(error.message).toBe('Invalid BSN: does not pass the elfproef');
      expect(error.extensions?.index).toBe(1);
      expect(sim.requestCount()).toBe(0);
    });

    it('reports SOURCE_UNAVAILABLE, without BSN or URL, when the partner answers 503', async () => {
      sim.setDown(true);
      try {
        const result = await query(c.known);
        const error = expectOpaqueError(result, c.known, c.partnerUrl(sim), 'SOURCE_UNAVAILABLE');
        expect(error.message).toBe(`${c.label} source unavailable`);
        expect(error.extensions?.source).toBe(c.domain);
      } finally {
        sim.setDown(false);
      }
    });

    it('reports SOURCE_UNAVAILABLE when the partner is not listening', async () => {
      const gone = await c.startSimulator();
      const partnerUrl = c.partnerUrl(gone);
      await gone.close();
      const orphan = await start(partnerUrl, 2000);
      try {
        const error = expectOpaqueError(await query(c.known, orphan.url), c.known, partnerUrl, 'SOURCE_UNAVAILABLE');
        expect(error.extensions?.source).toBe(c.domain);
      } finally {
        await orphan.close();
      }
    });

    it('gives up after the time budget when the partner is slow', async () => {
      const hasty = await start(c.partnerUrl(sim), 200);
      sim.setLatency(3000);
      try {
        const started = performance.now();
        const result = await query(c.known, hasty.url);
        const elapsed = performance.now() - started;
        expectOpaqueError(result, c.known, c.partnerUrl(sim), 'SOURCE_UNAVAILABLE');
        expect(elapsed).toBeGreaterThanOrEqual(190);
        expect(elapsed).toBeLessThan(1000);
      } finally {
        sim.setLatency(0);
        await hasty.close();
      }
    });
  });
}
