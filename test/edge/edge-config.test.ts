import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { DEFAULT_EDGE_LIMITS, loadEdgeConfig } from '../../src/edge/edge-config.ts';

describe('loadEdgeConfig', () => {
  it('turns introspection off by default in production, on elsewhere, and lets GRAPHQL_INTROSPECTION decide', () => {
    expect(loadEdgeConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
    expect(loadEdgeConfig({}).introspection).toBe(true);
    expect(loadEdgeConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(loadEdgeConfig({ GRAPHQL_INTROSPECTION: 'false' }).introspection).toBe(false);
  });

  it('reads the limits and refuses nonsense with a message naming the variable', () => {
    expect(loadEdgeConfig({})).toMatchObject({ ...DEFAULT_EDGE_LIMITS, trustedDocumentsFile: undefined });
    expect(loadEdgeConfig({ GRAPHQL_MAX_ALIASES: '7', RATE_LIMIT_PER_MINUTE: '0' })).toMatchObject({ maxAliases: 7, rateLimitPerMinute: 0 });
    expect(() => loadEdgeConfig({ GRAPHQL_MAX_DEPTH: '0' })).toThrow('GRAPHQL_MAX_DEPTH must be a whole number above 0');
    expect(() => loadEdgeConfig({ GRAPHQL_MAX_COST: 'lots' })).toThrow('GRAPHQL_MAX_COST must be a whole number above 0');
    expect(() => loadEdgeConfig({ RATE_LIMIT_PER_MINUTE: '-1' })).toThrow('RATE_LIMIT_PER_MINUTE must be a whole number (0 or more)');
    expect(() => loadEdgeConfig({ GRAPHQL_INTROSPECTION: 'yes' })).toThrow('GRAPHQL_INTROSPECTION must be true or false');
  });
});

describe('docker-compose.yml', () => {
  it('states the same edge settings as the production defaults', () => {
    const gateway = parse(readFileSync('docker-compose.yml', 'utf8')).services.gateway.environment as Record<string, string>;
    expect(loadEdgeConfig({ ...gateway, NODE_ENV: 'production' })).toEqual(loadEdgeConfig({ NODE_ENV: 'production' }));
    expect(gateway.GRAPHQL_MAX_ALIASES).toBe(String(DEFAULT_EDGE_LIMITS.maxAliases));
  });
});

const INTROSPECTION = '{ __schema { queryType { name } } }';
const TYPO = '{ household(id: "hh-1001") { adress { street } } }';

describeWithPostgres('introspection and field suggestions', (database) => {
  let open: TestHub;
  let closed: TestHub;
  beforeAll(async () => {
    open = await startTestHub(database(), (config) => ({ ...config, edge: { ...config.edge!, introspection: true } }));
    closed = await startTestHub(database(), (config) => ({ ...config, edge: { ...config.edge!, introspection: false } }));
  });
  afterAll(async () => {
    await open?.stop();
    await closed?.stop();
  });

  it('answers introspection and suggests field names when introspection is on', async () => {
    const schema = await open.query(await open.token(), INTROSPECTION);
    expect(schema.body.data!.__schema.queryType.name).toBe('Query');
    const typo = await open.query(await open.token(), TYPO);
    expect(typo.body.errors![0].message).toBe('Cannot query field "adress" on type "Household". Did you mean "address"?');
  });

  it('refuses introspection and hides suggestions when it is off', async () => {
    const schema = await closed.query(await closed.token(), INTROSPECTION);
    expect(schema.status).toBe(400);
    expect(schema.body.data).toBeUndefined();
    expect(schema.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(schema.body.errors![0].message).toMatch(/introspection is not allowed/);
    const typo = await closed.query(await closed.token(), TYPO);
    expect(typo.status).toBe(400);
    expect(typo.body.errors![0].message).toBe('Cannot query field "adress" on type "Household".');
    expect(JSON.stringify(typo.body)).not.toContain('address');
  });
});
