/**
 * A consent change and its access record are one transaction: with the access log unwritable,
 * recordConsent, confirmConsent and withdrawConsent change no row and answer 503 AUDIT_UNAVAILABLE, over HTTP on
 * PostgreSQL. The fault is a trigger that makes every INSERT into audit_record fail, while the consent
 * table stays writable: exactly the half-failure that used to leave an unlogged ACTIVE consent behind.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import pg from 'pg';
import { verifyAuditChain } from '../../src/audit/chain-verifier.ts';
import { allDemoPeople } from '../../src/demo/population.ts';
import { createSubjectProtector } from '../../src/crypto/subject-protection.ts';
import { loadHubDataKey } from '../../src/crypto/hub-data-key.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

const RECORD = /* GraphQL */ `
  mutation Record($input: RecordConsentInput!) { recordConsent(input: $input) { receipt consent { id status } } }
`;
const CONFIRM = /* GraphQL */ `
  mutation Confirm($id: ID!) { confirmConsent(id: $id) { id status confirmedAt } }
`;
const WITHDRAW = /* GraphQL */ `
  mutation Withdraw($id: ID!, $reason: String) { withdrawConsent(id: $id, reason: $reason) { id status withdrawnAt } }
`;
const AUDIT_UNAVAILABLE = { message: 'The access log cannot be written; nothing was changed', extensions: { code: 'AUDIT_UNAVAILABLE' } };

const linda = allDemoPeople().find((person) => person.givenName === 'Linda')!;
const input = {
  bsn: linda.bsn, givenBy: 'DATA_SUBJECT', evidenceMethod: 'WRITTEN', evidenceReference: 'DMS-2026-009876', category: 'ggz',
  granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning', validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10),
};

describeWithPostgres('a consent change and its access record are one transaction', (database) => {
  let hub: TestHub;
  let db: pg.Client;
  let token: string;
  let colleague: string; // the second professional of wijkteam-oost, who confirms GGZ consents (four eyes)
  const count = async (table: string) => (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
  const recordsOfTrace = async (traceId: string) => (await db.query('SELECT name, fields_released FROM audit_record WHERE trace_id = $1', [traceId])).rows;
  const breakAccessLog = () =>
    db.query(`
      CREATE FUNCTION refuse_audit_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'access log unwritable (test fault)'; END $$;
      CREATE TRIGGER audit_record_unwritable BEFORE INSERT ON audit_record FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_insert();`);
  const repairAccessLog = () => db.query('DROP TRIGGER audit_record_unwritable ON audit_record; DROP FUNCTION refuse_audit_insert();');

  beforeAll(async () => {
    hub = await startTestHub(database());
    token = await hub.token();
    colleague = await hub.token({ subject: 'ilse.jacobs' });
    db = new pg.Client({ connectionString: database().url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await hub?.stop();
  });

  it('writes exactly one access record with a recorded, confirmed or withdrawn consent (not again at the end of the request)', async () => {
    const recorded = await hub.query(token, RECORD, { input });
    expect(recorded.status).toBe(200);
    expect(await recordsOfTrace(recorded.body.extensions!.traceId)).toEqual([{ name: 'Record', fields_released: ['Mutation.recordConsent'] }]);

    const confirmed = await hub.query(colleague, CONFIRM, { id: recorded.body.data!.recordConsent.consent.id });
    expect(confirmed.body.data!.confirmConsent.status).toBe('ACTIVE');
    expect(await recordsOfTrace(confirmed.body.extensions!.traceId)).toEqual([{ name: 'Confirm', fields_released: ['Mutation.confirmConsent'] }]);

    const withdrawn = await hub.query(token, WITHDRAW, { id: recorded.body.data!.recordConsent.consent.id });
    expect(withdrawn.body.data!.withdrawConsent.status).toBe('WITHDRAWN');
    expect(await recordsOfTrace(withdrawn.body.extensions!.traceId)).toEqual([{ name: 'Withdraw', fields_released: ['Mutation.withdrawConsent'] }]);
  });

  it('with the access log unwritable, recordConsent, confirmConsent and withdrawConsent change no row and answer AUDIT_UNAVAILABLE', async () => {
    const active = (await hub.query(token, RECORD, { input })).body.data!.recordConsent.consent.id as string;
    expect((await hub.query(colleague, CONFIRM, { id: active })).body.data!.confirmConsent.status).toBe('ACTIVE');
    const pending = (await hub.query(token, RECORD, { input: { ...input, evidenceReference: 'DMS-2026-009875' } })).body.data!.recordConsent.consent.id as string;
    const consentsBefore = await count('consent');
    const recordsBefore = await count('audit_record');
    await breakAccessLog();
    try {
      const recorded = await hub.query(token, RECORD, { input: { ...input, evidenceReference: 'DMS-2026-009877' } });
      expect(recorded.status).toBe(503);
      expect(recorded.body.errors).toEqual([{ ...AUDIT_UNAVAILABLE, path: ['recordConsent'], locations: expect.any(Array) }]);
      expect(recorded.body.data).toEqual({ recordConsent: null });
      expect(await count('consent')).toBe(consentsBefore);
      expect((await db.query(`SELECT count(*)::int AS n FROM consent WHERE evidence_reference = 'DMS-2026-009877'`)).rows[0].n).toBe(0);

      const withdrawn = await hub.query(token, WITHDRAW, { id: active, reason: 'Inwoner belde' });
      expect(withdrawn.status).toBe(503);
      expect(withdrawn.body.errors).toEqual([{ ...AUDIT_UNAVAILABLE, path: ['withdrawConsent'], locations: expect.any(Array) }]);
      expect(withdrawn.body.data).toEqual({ withdrawConsent: null });
      const { rows } = await db.query('SELECT withdrawn_at, withdrawn_by, withdrawal_reason FROM consent WHERE id = $1', [active]);
      expect(rows).toEqual([{ withdrawn_at: null, withdrawn_by: null, withdrawal_reason: null }]);
      expect(await count('consent')).toBe(consentsBefore);

      const confirmed = await hub.query(colleague, CONFIRM, { id: pending });
      expect(confirmed.status).toBe(503);
      expect(confirmed.body.errors).toEqual([{ ...AUDIT_UNAVAILABLE, path: ['confirmConsent'], locations: expect.any(Array) }]);
      expect((await db.query('SELECT confirmed_at, confirmed_by FROM consent WHERE id = $1', [pending])).rows).toEqual([{ confirmed_at: null, confirmed_by: null }]);
      expect(await count('audit_record')).toBe(recordsBefore);
    } finally {
      await repairAccessLog();
    }

    // The log is back: the consent is still active and can be withdrawn, with its record.
    const retried = await hub.query(token, WITHDRAW, { id: active, reason: 'Inwoner belde' });
    expect(retried.status).toBe(200);
    expect(retried.body.data!.withdrawConsent.status).toBe('WITHDRAWN');
    expect(await recordsOfTrace(retried.body.extensions!.traceId)).toHaveLength(1);
    const confirmedAfter = await hub.query(colleague, CONFIRM, { id: pending });
    expect(confirmedAfter.body.data!.confirmConsent.status).toBe('ACTIVE');
    expect(await recordsOfTrace(confirmedAfter.body.extensions!.traceId)).toHaveLength(1);
  });

  it('with the access log locked by another transaction, answers AUDIT_UNAVAILABLE while the lock is still held, and changes nothing', async () => {
    const consentsBefore = await count('consent');
    // A maintenance job (VACUUM FULL, an ALTER TABLE) holding the table: the INSERT would wait for it.
    const maintenance = new pg.Client({ connectionString: database().url });
    await maintenance.connect();
    try {
      await maintenance.query('BEGIN; LOCK TABLE audit_record IN ACCESS EXCLUSIVE MODE');
      const stillLocked = new Promise<'lock still held'>((resolve) => setTimeout(() => resolve('lock still held'), 20_000));
      const answer = await Promise.race([hub.query(token, RECORD, { input: { ...input, evidenceReference: 'DMS-2026-009878' } }), stillLocked]);
      expect(answer).not.toBe('lock still held');
      const recorded = answer as Awaited<ReturnType<TestHub['query']>>;
      expect(recorded.status).toBe(503);
      expect(recorded.body.errors).toEqual([{ ...AUDIT_UNAVAILABLE, path: ['recordConsent'], locations: expect.any(Array) }]);
    } finally {
      await maintenance.query('ROLLBACK');
      await maintenance.end();
    }
    expect(await count('consent')).toBe(consentsBefore);
  });

  it('when the COMMIT fails after the record was inserted, changes nothing and continues on a new chain', async () => {
    const consentsBefore = await count('consent');
    const chainsBefore = (await db.query('SELECT DISTINCT chain_id FROM audit_record')).rows.map((row) => row.chain_id);
    // A check that runs at COMMIT (a deferred constraint trigger): the INSERT succeeds, the COMMIT fails.
    await db.query(`
      CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'commit refused (test fault)'; END $$;
      CREATE CONSTRAINT TRIGGER audit_record_commit_fails AFTER INSERT ON audit_record DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit();`);
    let recorded;
    try {
      recorded = await hub.query(token, RECORD, { input: { ...input, evidenceReference: 'DMS-2026-009879' } });
    } finally {
      await db.query('DROP TRIGGER audit_record_commit_fails ON audit_record; DROP FUNCTION refuse_at_commit();');
    }
    expect(recorded.status).toBe(503);
    expect(recorded.body.errors?.map((error) => error.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
    expect(await count('consent')).toBe(consentsBefore);

    expect((await hub.query(token, RECORD, { input: { ...input, evidenceReference: 'DMS-2026-009880' } })).status).toBe(200);
    const { rows } = await db.query(`SELECT chain_id, chain_seq FROM audit_record WHERE name = 'Record' ORDER BY occurred_at DESC LIMIT 1`);
    expect(chainsBefore).not.toContain(rows[0].chain_id);
    expect(rows[0].chain_seq).toBe(1);
  });

  it('keeps one unbroken chain when queries and consent changes, some refused, run at the same time', async () => {
    const household = '{ household(id: "hh-1001") { address { street } members { givenName } } }';
    const requests = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0
        ? hub.query(token, RECORD, { input: { ...input, evidenceReference: `DMS-2026-01${i}` } })
        : i % 3 === 1
          ? hub.query(token, WITHDRAW, { id: '00000000-0000-4000-8000-000000000000' })
          : hub.query(token, household),
    );
    const answers = await Promise.all(requests);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map((_, i) => 200));
    expect(answers.filter((_, i) => i % 3 === 1).map((answer) => answer.body.errors?.[0]?.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT']);
  });

  it('leaves no gap or fork in the chain after rolled-back appends: audit:verify finds it intact', async () => {
    const result = await verifyAuditChain(hub.database.prisma, hub.hubKey.jwks);
    expect(result).toMatchObject({ intact: true, checked: await count('audit_record'), chains: 2 });
  });

  it('records the withdrawal of a consent whose person the registration no longer knows, under the consent\'s own subject', async () => {
    const riet = allDemoPeople().find((person) => person.givenName === 'Riet')!;
    const recorded = await hub.query(token, RECORD, { input: { ...input, bsn: riet.bsn, category: 'wonen', evidenceReference: 'DMS-2026-009890' } });
    const consentId = recorded.body.data!.recordConsent.consent.id;
    const protector = createSubjectProtector(await loadHubDataKey(hub.dataDir));
    await db.query('DELETE FROM person WHERE bsn_hash = $1', [protector.lookupKey(riet.bsn)]);

    const withdrawn = await hub.query(token, WITHDRAW, { id: consentId, reason: 'Inwoner verhuisd' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.data!.withdrawConsent.status).toBe('WITHDRAWN');
    const { rows } = await db.query('SELECT subject_kind, subject_key, fields_released FROM audit_record WHERE trace_id = $1', [withdrawn.body.extensions!.traceId]);
    expect(rows).toEqual([{ subject_kind: 'PERSON', subject_key: protector.lookupKey(riet.bsn), fields_released: ['Mutation.withdrawConsent'] }]);
  });
});
