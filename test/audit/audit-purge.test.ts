import { beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { purgeExpiredRecords } from '../../src/audit/audit-purge.ts';
import { verifyAuditChain } from '../../src/audit/chain-verifier.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { useHubWithClient } from './hub-with-client.ts';
import type { TestHub } from '../support/hub.ts';

const QUERY = '{ household(id: "hh-1003") { address { street } members { givenName } } }';

describeWithPostgres('purging expired access records', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  let db: pg.Client;
  beforeAll(() => {
    hub = setup.hub();
    db = setup.db();
  });

  it('removes what expired, leaves a signed checkpoint, and the rest still verifies; a forged checkpoint does not', async () => {
    const token = await hub.token();
    await hub.query(token, QUERY);
    await hub.query(token, QUERY);
    const { rows: [{ max: cutoff }] } = await db.query('SELECT max(end_time) + interval \'1 millisecond\' AS max FROM audit_record');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await hub.query(token, QUERY);

    const result = await purgeExpiredRecords(hub.database.prisma, hub.hubKey, cutoff);
    expect(result).toEqual({ purged: 6, checkpoints: 1 });
    const { rows: left } = await db.query('SELECT chain_seq FROM audit_record ORDER BY chain_seq');
    expect(left.map((row) => row.chain_seq)).toEqual([7, 8, 9]);

    // The gateway's chain goes on after the purge, and verification starts at the checkpoint.
    await hub.query(token, QUERY);
    expect(await verifyAuditChain(hub.database.prisma, hub.hubKey.jwks)).toMatchObject({ intact: true, checked: 6, chains: 1 });

    // Purging again with nothing expired changes nothing.
    expect(await purgeExpiredRecords(hub.database.prisma, hub.hubKey, cutoff)).toEqual({ purged: 0, checkpoints: 0 });

    const { rows: [checkpoint] } = await db.query('SELECT id, signed FROM audit_checkpoint');
    const [header, payload, signature] = checkpoint.signed.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, lastHash: 'f'.repeat(64) })).toString('base64url');
    await db.query('UPDATE audit_checkpoint SET signed = $2 WHERE id = $1', [checkpoint.id, `${header}.${forged}.${signature}`]);
    expect(await verifyAuditChain(hub.database.prisma, hub.hubKey.jwks)).toMatchObject({ intact: false, kind: 'checkpoint', recordId: checkpoint.id });
  });
});
