import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import pg from 'pg';
import { verifyAuditChain } from '../../src/audit/chain-verifier.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const QUERY = '{ household(id: "hh-1003") { address { street } members { givenName } } }';

describeWithPostgres('audit chain verification', (database) => {
  let hub: TestHub;
  let db: pg.Client;
  beforeAll(async () => {
    db = new pg.Client({ connectionString: database().url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await hub?.stop();
  });
  // Every test tampers: each starts from a fresh, intact log written by the running gateway.
  beforeEach(async () => {
    if (!hub) return;
    await hub.stop();
    await db.query('DELETE FROM audit_record');
  });

  /** A fresh hub (a fresh chain) and three requests of three people each: nine chained records. */
  async function freshChain(): Promise<{ id: string; chain_seq: number }[]> {
    hub = await startTestHub(database());
    const token = await hub.token();
    for (let i = 0; i < 3; i++) expect((await hub.query(token, QUERY)).status).toBe(200);
    const { rows } = await db.query('SELECT id, chain_seq FROM audit_record ORDER BY chain_seq');
    expect(rows).toHaveLength(9);
    return rows;
  }

  const verify = () => verifyAuditChain(hub.database.prisma, hub.hubKey.jwks);

  it('reports an intact chain and how many records it checked', async () => {
    await freshChain();
    expect(await verify()).toMatchObject({ intact: true, checked: 9, chains: 1 });
  });

  it('names the record whose content was altered', async () => {
    const rows = await freshChain();
    await db.query(`UPDATE audit_record SET fields_released = array_remove(fields_released, 'Household.address') WHERE id = $1`, [rows[4].id]);
    expect(await verify()).toMatchObject({ intact: false, kind: 'altered', recordId: rows[4].id, checked: 4 });
  });

  it('names the record after a deleted one', async () => {
    const rows = await freshChain();
    await db.query('DELETE FROM audit_record WHERE id = $1', [rows[3].id]);
    expect(await verify()).toMatchObject({ intact: false, kind: 'deleted', recordId: rows[4].id });
  });

  it('names a record moved to another place in the chain', async () => {
    const rows = await freshChain();
    await db.query('UPDATE audit_record SET chain_seq = -1 WHERE id = $1', [rows[5].id]);
    await db.query('UPDATE audit_record SET chain_seq = $2 WHERE id = $1', [rows[6].id, rows[5].chain_seq]);
    await db.query('UPDATE audit_record SET chain_seq = $2 WHERE id = $1', [rows[5].id, rows[6].chain_seq]);
    expect(await verify()).toMatchObject({ intact: false, kind: 'reordered', recordId: rows[6].id });
  });
});
