import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { openDatabase } from '../../src/db/connect.ts';
import { purgeExpiredRecords } from '../../src/audit/audit-purge.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const RUNTIME_ROLE_SQL = new URL('../../src/audit/runtime-role.sql', import.meta.url);

function asRole(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  return parsed.toString();
}

describeWithPostgres('the hub runtime role on PostgreSQL', (database) => {
  let hub: TestHub;
  let runtime: pg.Client;
  beforeAll(async () => {
    // As the owner: migrate, then apply the documented role script (twice: it must be idempotent).
    const owner = await openDatabase({ databaseUrl: database().url });
    const script = await readFile(RUNTIME_ROLE_SQL, 'utf8');
    await owner.runner.exec(script);
    await owner.runner.exec(script);
    await owner.close();
    const runtimeUrl = asRole(database().url, 'ontschot_runtime');
    hub = await startTestHub({ ...database(), url: runtimeUrl });
    runtime = new pg.Client({ connectionString: runtimeUrl });
    await runtime.connect();
  });
  afterAll(async () => {
    await runtime?.end();
    await hub?.stop();
  });

  it('runs the hub, which appends to and reads the access log', async () => {
    const response = await hub.query(await hub.token(), '{ household(id: "hh-1003") { address { street } } }');
    expect(response.status).toBe(200);
    const { rows } = await runtime.query('SELECT current_user AS who, count(*)::int AS n FROM audit_record GROUP BY current_user');
    expect(rows).toEqual([{ who: 'ontschot_runtime', n: 3 }]);
  });

  it('is refused UPDATE, DELETE and TRUNCATE on the access log, its checkpoints and seals, and may add seals', async () => {
    for (const statement of [
      `UPDATE audit_record SET purpose = 'x'`,
      'DELETE FROM audit_record',
      'TRUNCATE audit_record',
      `UPDATE audit_checkpoint SET signed = 'x'`,
      'DELETE FROM audit_checkpoint',
      `UPDATE processing_activity SET description = 'x'`,
      `UPDATE audit_seal SET signed = 'x'`,
      'DELETE FROM audit_seal',
      'TRUNCATE audit_seal',
    ]) {
      await expect(runtime.query(statement), statement).rejects.toMatchObject({ code: '42501' });
    }
    const { rows } = await runtime.query('SELECT count(*)::int AS n FROM audit_record');
    expect(rows[0].n).toBe(3);
    // What the gateway's sealer does as this role: add a seal (rolled back here).
    await runtime.query('BEGIN');
    await runtime.query(`INSERT INTO audit_seal (id, chain_id, seq, signed) VALUES ('probe', 'probe', 1, 'probe')`);
    await runtime.query('ROLLBACK');
  });

  it('cannot purge; the owner can', async () => {
    await expect(purgeExpiredRecords(hub.database.prisma, hub.hubKey, new Date(Date.now() + 1000))).rejects.toThrow();
    const owner = await openDatabase({ databaseUrl: database().url });
    try {
      expect(await purgeExpiredRecords(owner.prisma, hub.hubKey, new Date(Date.now() + 1000))).toEqual({ purged: 3, checkpoints: 1 });
    } finally {
      await owner.close();
    }
  });
});
