/**
 * The gateway seals its access-log chain head with the hub key: at the interval when the head moved,
 * and when the hub is closed; a chain given up after a failed write is sealed too, and audit:verify
 * finds sealed chains intact. Real PostgreSQL, real gateway over HTTP.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import pg from 'pg';
import { verifyAuditChain } from '../../src/audit/chain-verifier.ts';
import { verifySeal } from '../../src/audit/chain-seal.ts';
import { openDatabase } from '../../src/db/connect.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

const QUERY = '{ household(id: "hh-1003") { address { street } members { givenName } } }';

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithPostgres('sealing at the interval', (database) => {
  let hub: TestHub;
  let db: pg.Client;
  const newestRecord = async () => (await db.query('SELECT chain_id, chain_seq, record_hash FROM audit_record ORDER BY chain_seq DESC LIMIT 1')).rows[0];
  const seals = async () => (await db.query('SELECT chain_id, seq, signed FROM audit_seal ORDER BY seq')).rows;
  beforeAll(async () => {
    hub = await startTestHub(database(), (config) => ({ ...config, auditSeal: { ...config.auditSeal, intervalMs: 100 } }));
    db = new pg.Client({ connectionString: database().url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await hub?.stop();
  });

  it('seals the head when it moved, signed by the hub, and not again while it stands still', async () => {
    const token = await hub.token();
    for (let i = 0; i < 2; i++) expect((await hub.query(token, QUERY)).status).toBe(200);
    const head = await newestRecord();
    const seal = await until(async () => (await seals()).find((s) => s.seq === head.chain_seq), 'the seal of the head');
    expect(await verifySeal(seal.signed, hub.hubKey.jwks)).toMatchObject({ chainId: head.chain_id, seq: head.chain_seq, hash: head.record_hash });

    const count = (await seals()).length;
    await new Promise((resolve) => setTimeout(resolve, 500)); // five intervals without a new record
    expect(await seals()).toHaveLength(count);

    expect((await hub.query(token, QUERY)).status).toBe(200);
    const moved = await newestRecord();
    await until(async () => ((await seals()).some((s) => s.seq === moved.chain_seq) ? true : undefined), 'the seal of the moved head');
    expect(await verifyAuditChain(hub.database.prisma, hub.hubKey.jwks)).toMatchObject({ intact: true, sealed: 1 });
  });
});

describeWithPostgres('sealing when the hub is closed, and after a failed write', (database) => {
  let hub: TestHub;
  let db: pg.Client;
  beforeAll(async () => {
    // Interval 0: only the shutdown seals, so whatever is sealed was sealed by hub.close().
    hub = await startTestHub(database(), (config) => ({ ...config, auditSeal: { ...config.auditSeal, intervalMs: 0 } }));
    db = new pg.Client({ connectionString: database().url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await rm(hub.dataDir, { recursive: true, force: true });
  });

  it('seals the chain given up after a failed write and the new chain, and audit:verify finds both intact', async () => {
    const token = await hub.token();
    expect((await hub.query(token, QUERY)).status).toBe(200);
    await db.query(`
      CREATE FUNCTION refuse_audit_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'access log unwritable (test fault)'; END $$;
      CREATE TRIGGER audit_record_unwritable BEFORE INSERT ON audit_record FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_insert();`);
    expect((await hub.query(token, QUERY)).status).toBe(503);
    await db.query('DROP TRIGGER audit_record_unwritable ON audit_record; DROP FUNCTION refuse_audit_insert();');
    expect((await hub.query(token, QUERY)).status).toBe(200);
    expect((await db.query('SELECT count(*)::int AS n FROM audit_seal')).rows[0].n).toBe(0);

    await hub.close();

    const heads = (await db.query('SELECT chain_id, max(chain_seq) AS seq FROM audit_record GROUP BY chain_id ORDER BY chain_id')).rows;
    expect(heads).toHaveLength(2);
    const sealed = (await db.query('SELECT chain_id, seq FROM audit_seal ORDER BY chain_id')).rows;
    expect(sealed).toEqual(heads);
    const reopened = await openDatabase({ databaseUrl: database().url });
    try {
      expect(await verifyAuditChain(reopened.prisma, hub.hubKey.jwks)).toMatchObject({ intact: true, chains: 2, sealed: 2 });
    } finally {
      await reopened.close();
    }
  });
});
