import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { runAuditCli } from './audit-cli.ts';

describeWithPostgres('npm run audit:verify and audit:purge', (database) => {
  let hub: TestHub;
  let db: pg.Client;
  let env: Record<string, string>;
  beforeAll(async () => {
    hub = await startTestHub(database());
    env = { DATABASE_URL: database().url, ONTSCHOT_DATA_DIR: hub.dataDir };
    db = new pg.Client({ connectionString: database().url });
    await db.connect();
    const token = await hub.token();
    for (const id of ['hh-1001', 'hh-1003']) await hub.query(token, `{ household(id: "${id}") { address { street } members { givenName } } }`);
  });
  afterAll(async () => {
    await db?.end();
    await hub?.stop();
  });

  it('prints that the chain is intact and how many records it checked', async () => {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM audit_record');
    const result = await runAuditCli('audit-verify.ts', [], env);
    expect(result.stdout).toContain(`Access log intact: ${rows[0].n} record(s) checked in 1 chain(s).`);
    expect(result.code).toBe(0);
  });

  it('names the altered record and exits non-zero; purging as owner keeps the rest verifiable', async () => {
    const { rows } = await db.query('SELECT id FROM audit_record ORDER BY chain_seq');
    await db.query(`UPDATE audit_record SET purpose = 'vroegsignalering-schulden' WHERE id = $1`, [rows[2].id]);
    const tampered = await runAuditCli('audit-verify.ts', [], env);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain(`TAMPERED (altered): record ${rows[2].id} was altered`);
    await db.query(`UPDATE audit_record SET purpose = 'wijkteam-ondersteuning' WHERE id = $1`, [rows[2].id]);

    const purge = await runAuditCli('audit-purge.ts', [], { ...env, AUDIT_RETENTION_DAYS: '0' });
    expect(purge.code).toBe(0);
    expect(purge.stdout).toContain(`Purged ${rows.length} access record(s)`);
    await hub.query(await hub.token(), '{ household(id: "hh-1002") { address { street } } }');
    const after = await runAuditCli('audit-verify.ts', [], env);
    expect(after.stdout).toMatch(/Access log intact: [1-9]\d* record\(s\) checked in 1 chain\(s\)\./);
    expect(after.code).toBe(0);
  });

  it('refuses a bad retention period with a clear message and removes nothing', async () => {
    const { rows: before } = await db.query('SELECT count(*)::int AS n FROM audit_record');
    const result = await runAuditCli('audit-purge.ts', [], { ...env, AUDIT_RETENTION_DAYS: 'forever' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('AUDIT_RETENTION_DAYS must be a non-negative integer');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const { rows: after } = await db.query('SELECT count(*)::int AS n FROM audit_record');
    expect(after[0].n).toBe(before[0].n);
  });
});
