import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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

describeWithPostgres('npm run audit:verify against sealed chain heads', (database) => {
  let hub: TestHub;
  let db: pg.Client;
  let sealDir: string;
  let env: Record<string, string>;
  let head: { chain_id: string; chain_seq: number };
  beforeAll(async () => {
    sealDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-seals-'));
    const sealFile = path.join(sealDir, 'audit-seals.jsonl');
    hub = await startTestHub(database(), (config) => ({ ...config, auditSeal: { ...config.auditSeal, file: sealFile } }));
    env = { DATABASE_URL: database().url, ONTSCHOT_DATA_DIR: hub.dataDir, AUDIT_SEAL_FILE: sealFile };
    db = new pg.Client({ connectionString: database().url });
    await db.connect();
    const token = await hub.token();
    for (const id of ['hh-1001', 'hh-1002', 'hh-1003']) expect((await hub.query(token, `{ household(id: "${id}") { address { street } members { givenName } } }`)).status).toBe(200);
    // Stopping the gateway seals its chain (the interval, 60 s by default, has not come round yet).
    await hub.gateway.close();
    [head] = (await db.query('SELECT chain_id, chain_seq FROM audit_record ORDER BY chain_seq DESC LIMIT 1')).rows;
  });
  afterAll(async () => {
    await db?.end();
    await hub?.stop();
    await rm(sealDir, { recursive: true, force: true });
  });

  it('sealed the head at shutdown, in the database and in the seal file', async () => {
    const { rows } = await db.query('SELECT chain_id, seq FROM audit_seal');
    expect(rows).toEqual([{ chain_id: head.chain_id, seq: head.chain_seq }]);
    const lines = (await readFile(env.AUDIT_SEAL_FILE, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([expect.objectContaining({ chainId: head.chain_id, seq: head.chain_seq, signed: expect.any(String) })]);
    const result = await runAuditCli('audit-verify.ts', [], env);
    expect(result.stdout).toContain(`chain ${head.chain_id}: head ${head.chain_seq} `);
    expect(result.stdout).toContain(`sealed up to ${head.chain_seq}`);
    expect(result.code).toBe(0);
  });

  it('names the deletion of the newest 3 records and exits 1, also when the seals in the database are deleted too', async () => {
    await db.query('DELETE FROM audit_record WHERE chain_seq > $1', [head.chain_seq - 3]);
    const expected = `TAMPERED (truncated): 3 newest record(s) of chain ${head.chain_id} deleted: sealed head seq ${head.chain_seq}, last present ${head.chain_seq - 3}`;
    const truncated = await runAuditCli('audit-verify.ts', [], env);
    expect(truncated.stdout).toContain(expected);
    expect(truncated.code).toBe(1);

    await db.query('DELETE FROM audit_seal');
    const withFile = await runAuditCli('audit-verify.ts', ['--seals', env.AUDIT_SEAL_FILE], env);
    expect(withFile.stdout).toContain(expected);
    expect(withFile.code).toBe(1);
  });

  it('checks the seals with the hub public key only: no private key is read or created', async () => {
    const jwksFile = path.join(sealDir, 'hub-jwks.json');
    await writeFile(jwksFile, JSON.stringify(hub.hubKey.jwks));
    const emptyDataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-nokey-'));
    try {
      const result = await runAuditCli('audit-verify.ts', ['--hub-jwks', jwksFile], { ...env, ONTSCHOT_DATA_DIR: emptyDataDir, HUB_SIGNING_KEY: '' });
      expect(result.stdout).toContain(`TAMPERED (truncated): 3 newest record(s) of chain ${head.chain_id} deleted`);
      expect(result.code).toBe(1);
      expect(await readdir(emptyDataDir)).toEqual([]);
    } finally {
      await rm(emptyDataDir, { recursive: true, force: true });
    }
  });

  it('refuses a seal file line that the hub did not sign, and a --hub-jwks file holding a private key', async () => {
    const forged = path.join(sealDir, 'forged.jsonl');
    const original = JSON.parse((await readFile(env.AUDIT_SEAL_FILE, 'utf8')).trim().split('\n')[0]);
    const [header, , signature] = original.signed.split('.');
    const payload = Buffer.from(JSON.stringify({ chainId: head.chain_id, seq: head.chain_seq - 3, hash: 'x', sealedAt: original.sealedAt, sub: head.chain_id })).toString('base64url');
    await writeFile(forged, `${JSON.stringify({ ...original, signed: `${header}.${payload}.${signature}` })}\n`);
    const result = await runAuditCli('audit-verify.ts', ['--seals', forged], env);
    expect(result.stdout).toContain('TAMPERED (seal): seal 1 of the seal file does not carry a valid hub signature');
    expect(result.code).toBe(1);

    const privateJwks = path.join(sealDir, 'private.json');
    await writeFile(privateJwks, JSON.stringify({ keys: [{ ...hub.hubKey.jwks.keys[0], d: 'secret' }] }));
    const refused = await runAuditCli('audit-verify.ts', ['--hub-jwks', privateJwks], env);
    expect(refused.stderr).toContain('must hold public keys only');
    expect(refused.code).toBe(2);
    const missing = await runAuditCli('audit-verify.ts', ['--seals', path.join(sealDir, 'nope.jsonl')], env);
    expect(missing.stderr).toContain('--seals: cannot read');
    expect(missing.code).toBe(2);
  });
});
