import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresReplayGuard } from '../../../src/adapters/sdk/postgres-replay-guard.ts';
import { ReplayGuardUnavailable } from '../../../src/adapters/sdk/replay-guard.ts';
import { startAdapter, type RunningGraphQLService } from '../../../src/adapters/sdk/index.ts';
import { describeWithPostgres } from '../../support/postgres.ts';
import { postGraphQL } from '../graphql-client.ts';
import { createTestHubKeys, type TestHubKeys } from '../hub-tokens.ts';
import { fixtureAdapter, KNOWN, newFixturePartner, type FixturePartner } from './fixture-adapter.ts';

const [K1] = Object.keys(KNOWN);
const PEOPLE = 'query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn housing { rentArrearsMonths } } }';
const inAMinute = () => Date.now() + 60_000;

describeWithPostgres('PostgresReplayGuard: one guard for the replicas of an adapter', (database) => {
  const guards: PostgresReplayGuard[] = [];
  const guard = (options: { table?: string; timeBudgetMs?: number } = {}) => {
    const created = new PostgresReplayGuard({ connectionString: database().url, ...options });
    guards.push(created);
    return created;
  };
  afterAll(async () => {
    await Promise.all(guards.map((created) => created.close()));
  });

  it('creates its table in an empty database and refuses at one replica a token used at the other', async () => {
    const [replicaA, replicaB] = [guard(), guard()];
    const jti = randomUUID();
    expect(await replicaA.firstUse(jti, inAMinute())).toBe(true);
    expect(await replicaB.firstUse(jti, inAMinute())).toBe(false);
    expect(await replicaA.firstUse(jti, inAMinute())).toBe(false);
    expect(await replicaB.firstUse(randomUUID(), inAMinute())).toBe(true);
  });

  it('lets exactly one of two replicas accept a token presented to both at once', async () => {
    const [replicaA, replicaB] = [guard({ table: 'race_guard' }), guard({ table: 'race_guard' })];
    for (let round = 0; round < 20; round++) {
      const jti = randomUUID();
      const outcomes = await Promise.all([replicaA.firstUse(jti, inAMinute()), replicaB.firstUse(jti, inAMinute())]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    }
  });

  it('deletes expired ids in batches and keeps the unexpired ones', async () => {
    const sweeper = guard({ table: 'sweep_guard' });
    const live = randomUUID();
    await sweeper.firstUse(live, inAMinute());
    const client = new pg.Client({ connectionString: database().url });
    await client.connect();
    try {
      // More than two batches of ids that expired ten minutes ago (beyond the one-minute clock margin).
      await client.query("INSERT INTO sweep_guard SELECT gen_random_uuid()::text, now() - interval '10 minutes' FROM generate_series(1, 2500)");
      expect(await sweeper.deleteExpired()).toBe(2_500);
      const { rows } = await client.query('SELECT jti FROM sweep_guard');
      expect(rows).toEqual([{ jti: live }]);
    } finally {
      await client.end();
    }
    expect(await sweeper.firstUse(live, inAMinute())).toBe(false);
  });

  it('refuses a table name that is not a plain identifier', () => {
    expect(() => guard({ table: 'guard; DROP TABLE x' })).toThrow('Replay guard table name must be a lower-case SQL identifier');
  });

  describe('two adapter replicas over HTTP', () => {
    let hub: TestHubKeys;
    let partner: FixturePartner;
    let replicas: RunningGraphQLService[];
    beforeAll(async () => {
      hub = await createTestHubKeys();
      partner = newFixturePartner();
      const options = { hubKeys: hub.hubKeys, dataDir: hub.dataDir, replayGuardDatabaseUrl: database().url };
      replicas = [await startAdapter(fixtureAdapter(partner), options), await startAdapter(fixtureAdapter(partner), options)];
    });
    afterAll(async () => {
      try {
        await Promise.all(replicas.map((replica) => replica.close()));
      } finally {
        await hub.cleanup();
      }
    });

    it('answers a token at the first replica and refuses it at the second, without a partner call', async () => {
      const headers = await hub.headersFor('housing', PEOPLE, { bsns: [K1] });
      const first = await postGraphQL(replicas[0].url, PEOPLE, { bsns: [K1] }, headers);
      expect(first.body.data.peopleByBsn).toEqual([{ bsn: K1, housing: { rentArrearsMonths: KNOWN[K1].rentArrearsMonths } }]);
      partner.calls.length = 0;
      const replay = await postGraphQL(replicas[1].url, PEOPLE, { bsns: [K1] }, headers);
      expect(replay.status).toBe(401);
      expect(replay.body.data).toBeUndefined();
      expect(replay.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(partner.calls).toHaveLength(0);
    });
  });
});

describe('PostgresReplayGuard without a database', () => {
  it('refuses (fails closed) when nothing listens at the database address', async () => {
    const guard = new PostgresReplayGuard({ connectionString: 'postgres://postgres@127.0.0.1:1/none', timeBudgetMs: 300 });
    try {
      await expect(guard.firstUse(randomUUID(), inAMinute())).rejects.toEqual(new ReplayGuardUnavailable('unreachable'));
    } finally {
      await guard.close();
    }
  });

  it('refuses within its time budget when the database accepts the connection and never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const guard = new PostgresReplayGuard({ connectionString: `postgres://postgres@127.0.0.1:${port}/none`, timeBudgetMs: 300 });
    try {
      const started = performance.now();
      await expect(guard.firstUse(randomUUID(), inAMinute())).rejects.toEqual(new ReplayGuardUnavailable('unreachable'));
      // The budget plus scheduling slack on a shared machine; without a budget this would wait forever.
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      await guard.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('answers 503 at the adapter, without a partner call, when its guard database is unreachable', async () => {
    const hub = await createTestHubKeys();
    const partner = newFixturePartner();
    const adapter = await startAdapter(fixtureAdapter(partner), { hubKeys: hub.hubKeys, dataDir: hub.dataDir, replayGuardDatabaseUrl: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      const result = await postGraphQL(adapter.url, PEOPLE, { bsns: [K1] }, await hub.headersFor('housing', PEOPLE, { bsns: [K1] }));
      expect(result.status).toBe(503);
      expect(result.body.data).toBeUndefined();
      expect(result.body.errors?.[0].extensions?.code).toBe('REPLAY_GUARD_UNAVAILABLE');
      expect(result.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|postgres/);
      expect(partner.calls).toHaveLength(0);
    } finally {
      await adapter.close();
      await hub.cleanup();
    }
  });
});
