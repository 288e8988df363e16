import { beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import type { TestHub } from '../support/hub.ts';
import { useHubWithClient } from './hub-with-client.ts';
import { allDemoPeople } from '../../src/demo/population.ts';

/** Query.accessLogIntegrity: the chain verifier over GraphQL, for privacy officers only, without personal data. */

const INTEGRITY = `{ accessLogIntegrity { intact checkedAt checkedRecords chains sealedChains unchainedRecords
  heads { chainId seq hash sealedSeq } problem { kind recordId message } } }`;

describeWithPostgres('Query.accessLogIntegrity', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  let db: pg.Client;
  let officer: string;

  beforeAll(async () => {
    hub = setup.hub();
    db = setup.db();
    officer = await hub.token({ role: 'privacy-officer' });
    const coach = await hub.token();
    for (const id of ['hh-1001', 'hh-1002']) expect((await hub.query(coach, `{ household(id: "${id}") { members { givenName } } }`)).body.errors).toBeUndefined();
  });

  it('tells an officer the chains are intact, with counts and heads', async () => {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM audit_record');
    const response = await hub.query(officer, INTEGRITY);
    expect(response.body.errors).toBeUndefined();
    const result = response.body.data!.accessLogIntegrity;
    expect(result).toMatchObject({ intact: true, chains: 1, unchainedRecords: 0, problem: null });
    expect(result.checkedRecords).toBe(rows[0].n);
    expect(result.heads).toHaveLength(1);
    expect(result.heads[0].seq).toBe(rows[0].n);
    expect(Date.parse(result.checkedAt)).not.toBeNaN();
  });

  it('refuses every role but the privacy officers, and an officer with another purpose', async () => {
    for (const role of ['wijkcoach', 'schuldhulpverlener', 'woonconsulent']) {
      const response = await hub.query(await hub.token({ role }), INTEGRITY);
      expect(response.body.data?.accessLogIntegrity, role).toBeNull();
      expect(['FORBIDDEN', 'PURPOSE_MISMATCH']).toContain(response.body.errors?.[0]?.extensions?.code);
    }
    const wrongPurpose = await hub.query(await hub.token({ role: 'privacy-officer', purpose: 'wijkteam-ondersteuning' }), INTEGRITY);
    expect(wrongPurpose.body.data?.accessLogIntegrity).toBeNull();
    // Asking through an alias, a fragment or under @include changes nothing.
    const coach = await hub.token();
    const disguised = await hub.query(coach, '{ a: accessLogIntegrity { ...F } b: accessLogIntegrity @include(if: true) { intact } } fragment F on AccessLogIntegrity { intact }');
    expect(disguised.body.data).toEqual({ a: null, b: null });
  });

  it('names the first altered record, and carries no personal data', async () => {
    const { rows } = await db.query('SELECT id FROM audit_record ORDER BY chain_seq LIMIT 1 OFFSET 2');
    await db.query(`UPDATE audit_record SET purpose = 'iets-anders' WHERE id = $1`, [rows[0].id]);
    const response = await hub.query(officer, INTEGRITY);
    const result = response.body.data!.accessLogIntegrity;
    expect(result).toMatchObject({ intact: false, problem: { kind: 'altered', recordId: rows[0].id } });
    expect(result.checkedRecords).toBe(2);
    const text = JSON.stringify(response.body);
    for (const person of allDemoPeople()) expect(text).not.toContain(person.bsn);
  });
});
