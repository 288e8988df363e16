import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import pg from 'pg';
import { verifyAuditChain } from '../../src/audit/chain-verifier.ts';
import { signSeal } from '../../src/audit/chain-seal.ts';
import { hashRecord } from '../../src/audit/record-hash.ts';
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
    await db.query('DELETE FROM audit_seal'); // the stopped gateway sealed the chain just removed
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

  /** Seals the chain at its current newest record, as the gateway's sealer does. */
  async function sealNewest(): Promise<{ chain_id: string; chain_seq: number; record_hash: string }> {
    const { rows } = await db.query('SELECT chain_id, chain_seq, record_hash FROM audit_record ORDER BY chain_seq DESC LIMIT 1');
    const head = rows[0];
    const signed = await signSeal(hub.hubKey, { chainId: head.chain_id, seq: head.chain_seq, hash: head.record_hash, sealedAt: new Date().toISOString() });
    await db.query(`INSERT INTO audit_seal (id, chain_id, seq, signed) VALUES (gen_random_uuid()::text, $1, $2, $3)`, [head.chain_id, head.chain_seq, signed]);
    return head;
  }

  it('names the deletion of the newest records of a chain against its sealed head', async () => {
    const rows = await freshChain();
    const head = await sealNewest();
    await db.query('DELETE FROM audit_record WHERE chain_seq > $1', [rows[5].chain_seq]);
    expect(await verify()).toMatchObject({
      intact: false, kind: 'truncated', recordId: null, checked: 6,
      message: `3 newest record(s) of chain ${head.chain_id} deleted: sealed head seq 9, last present 6`,
    });
  });

  it('names a chain deleted as a whole when its seal remains', async () => {
    await freshChain();
    const head = await sealNewest();
    await db.query('DELETE FROM audit_record');
    expect(await verify()).toMatchObject({ intact: false, kind: 'truncated', message: `9 newest record(s) of chain ${head.chain_id} deleted: sealed head seq 9, last present 0` });
  });

  it('finds a truncation through a seal kept outside the database, after the database seals were deleted too', async () => {
    const rows = await freshChain();
    const { rows: seals } = await db.query('SELECT signed FROM audit_seal'); // none yet: the hub seals at an interval or at stop
    expect(seals).toEqual([]);
    await sealNewest();
    const [{ signed }] = (await db.query('SELECT signed FROM audit_seal')).rows;
    await db.query('DELETE FROM audit_seal');
    await db.query('DELETE FROM audit_record WHERE chain_seq > $1', [rows[6].chain_seq]);
    expect(await verify()).toMatchObject({ intact: true });
    expect(await verifyAuditChain(hub.database.prisma, hub.hubKey.jwks, { externalSeals: [signed] })).toMatchObject({ intact: false, kind: 'truncated', message: expect.stringMatching(/^2 newest record\(s\) of chain .* deleted: sealed head seq 9, last present 7$/) });
  });

  it('calls a chain rewritten when the record at the sealed position is not the sealed one', async () => {
    const rows = await freshChain();
    await sealNewest();
    // Hashing needs no secret (SHA-256): someone with write access replaces the newest record by one with
    // other content, correctly hashed and linked, so the hash chain alone looks intact.
    const last = await hub.database.prisma.auditRecord.findUniqueOrThrow({ where: { id: rows[8].id } });
    const forged = { ...last, purpose: 'vroegsignalering-schulden', foreignOperation: null, resource: last.resource as Record<string, string>, fieldBases: last.fieldBases as Record<string, string> | null };
    await db.query('UPDATE audit_record SET purpose = $2, record_hash = $3 WHERE id = $1', [last.id, forged.purpose, hashRecord({ ...forged, prevHash: last.prevHash! })]);
    expect(await verify()).toMatchObject({ intact: false, kind: 'altered', recordId: rows[8].id, message: expect.stringContaining('the chain was rewritten after it was sealed') });
  });

  it('refuses a seal that is not signed by the hub, or whose row disagrees with it', async () => {
    await freshChain();
    await sealNewest();
    await db.query(`UPDATE audit_seal SET seq = 99`);
    expect(await verify()).toMatchObject({ intact: false, kind: 'seal', message: expect.stringContaining('disagrees with its signed content') });
    await db.query(`UPDATE audit_seal SET signed = 'eyJhbGciOiJub25lIn0.eyJzZXEiOjk5fQ.'`);
    expect(await verify()).toMatchObject({ intact: false, kind: 'seal', message: expect.stringContaining('does not carry a valid hub signature') });
  });
});
