import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type GraphQLResponse, type TestHub } from '../support/hub.ts';
import { useHubWithClient } from '../audit/hub-with-client.ts';
import { activeInvolvements, ADD_INVOLVEMENT, END_INVOLVEMENT, recordsOfTrace, REGISTER_INTAKE, westToken } from './involvement-helpers.ts';

/**
 * What a hostile caller would try on the involvement mutations: aliases and fragments, @skip, callers
 * of the wrong organisation, a GGZ involvement, ids of households they are not involved with. Each
 * attempt is refused without telling more than about an unknown id, and every call leaves exactly the
 * access records it should.
 */

const PETER = '999915927'; // hh-1002's only member
const GERRIT = '999975201'; // hh-1007, with Riet; no housing corporation involved

/** The response without its trace id: what two answers must share to say nothing different. */
function withoutTrace(response: GraphQLResponse): unknown {
  const { extensions, ...rest } = response.body;
  const { traceId: _traceId, ...otherExtensions } = extensions ?? {};
  return { status: response.status, ...rest, extensions: otherExtensions };
}

describeWithPostgres('involvement mutations against a hostile caller', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  let db: pg.Client;
  beforeAll(() => {
    hub = setup.hub();
    db = setup.db();
  });

  async function involvementRows(): Promise<number> {
    return (await db.query('SELECT count(*)::int AS n FROM involvement')).rows[0].n;
  }
  const traceOf = (response: GraphQLResponse) => response.body.extensions!.traceId as string;
  const lookUpGerrit = async () =>
    (await hub.query(await hub.token({ role: 'woonconsulent' }), 'query($bsn: String!) { householdByMemberBsn(bsn: $bsn) { id } }', { bsn: GERRIT })).body.data!.householdByMemberBsn;

  it('aliases and fragments: two intakes in one request register once; the second says it was already there; one record per change', async () => {
    const before = await involvementRows();
    const response = await hub.query(await westToken(hub), `
      mutation Twice($input: IntakeInput!) {
        a: registerIntake(input: $input) { ...Outcome }
        ... on Mutation { b: registerIntake(input: $input) { ...Outcome household { id } } }
      }
      fragment Outcome on IntakeResult { created alreadyInvolved }`, { input: { bsn: PETER } });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({ a: { created: false, alreadyInvolved: false }, b: { created: false, alreadyInvolved: true, household: { id: 'hh-1002' } } });
    expect(await involvementRows()).toBe(before + 1);
    expect(await activeInvolvements(db, 'hh-1002')).toContain('wijkteam-west/wijkteam-ondersteuning');
    const records = await recordsOfTrace(db, traceOf(response));
    expect(records).toHaveLength(2);
    for (const record of records) expect(record).toMatchObject({ subject_kind: 'PERSON', fields_released: ['Mutation.registerIntake'], organisation_id: 'wijkteam-west', name: 'Twice' });
  });

  it('aliases: ending twice in one request ends once; the second, no longer involved, gets the answer for an unknown household', async () => {
    const input = { householdId: 'hh-1002', organisationId: 'wijkteam-west', purpose: 'wijkteam-ondersteuning' };
    const response = await hub.query(await westToken(hub), `
      mutation EndTwice($input: EndInvolvementInput!) { x: endInvolvement(input: $input) { id } y: endInvolvement(input: $input) { id } }`, { input });
    expect(response.body.data).toEqual({ x: { id: 'hh-1002' }, y: null });
    expect(response.body.errors!.map((error) => [error.path, error.extensions])).toEqual([[['y'], { code: 'BAD_USER_INPUT', argument: 'input.householdId' }]]);
    expect(await activeInvolvements(db, 'hh-1002')).not.toContain('wijkteam-west/wijkteam-ondersteuning');
    // Peter: the change (released) in its transaction, and the refused second attempt (withheld) at the end.
    const records = await recordsOfTrace(db, traceOf(response));
    expect(records.map((record) => [record.fields_released, record.fields_withheld]).sort()).toEqual([[[], ['Mutation.endInvolvement']], [['Mutation.endInvolvement'], []]]);
  });

  it('@skip on a mutation changes and records nothing', async () => {
    const before = await involvementRows();
    const response = await hub.query(await westToken(hub), 'mutation($input: IntakeInput!) { registerIntake(input: $input) @skip(if: true) { created } }', { input: { bsn: PETER } });
    expect(response.body).toMatchObject({ data: {} });
    expect(await involvementRows()).toBe(before);
    expect(await recordsOfTrace(db, traceOf(response))).toEqual([]);
  });

  it('an intake by a woonconsulent is FORBIDDEN by the field policy, and nothing is written or recorded', async () => {
    const before = await involvementRows();
    const response = await hub.query(await hub.token({ role: 'woonconsulent' }), REGISTER_INTAKE, { input: { bsn: PETER } });
    expect(response.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(response.body.data).toEqual({ registerIntake: null });
    expect(await involvementRows()).toBe(before);
    expect(await recordsOfTrace(db, traceOf(response))).toEqual([]);
  });

  it('addInvolvement of a GGZ organisation is refused whichever household, and nothing is stored', async () => {
    const oost = await hub.token();
    const before = await involvementRows();
    const answers = [];
    for (const householdId of ['hh-1001', 'hh-9999']) {
      const response = await hub.query(oost, ADD_INVOLVEMENT, { input: { householdId, organisationId: 'ggz-de-horizon', purpose: 'wijkteam-ondersteuning' } });
      expect(response.body.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.organisationId' });
      expect(await recordsOfTrace(db, traceOf(response))).toEqual([]); // refused before anything was read
      answers.push(withoutTrace(response));
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(await involvementRows()).toBe(before);
    const ended = await hub.query(oost, END_INVOLVEMENT, { input: { householdId: 'hh-1001', organisationId: 'ggz-de-horizon', purpose: 'wijkteam-ondersteuning' } });
    expect(ended.body.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.organisationId' });
  });

  it.each([
    ['an organisation the register does not know', { organisationId: 'woonstichting-elders', purpose: 'vroegsignalering-schulden' }, 'input.organisationId'],
    ['a purpose the policy does not know', { organisationId: 'woonstichting-de-linde', purpose: 'nieuwsgierigheid' }, 'input.purpose'],
  ])('addInvolvement with %s is BAD_USER_INPUT on %s', async (_name, partial, argument) => {
    const response = await hub.query(await hub.token(), ADD_INVOLVEMENT, { input: { householdId: 'hh-1007', ...partial } });
    expect(response.body.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument });
  });

  it('a household the caller is not involved with and an unknown id get the same answer, for adding and ending; each attempt is recorded', async () => {
    const west = await westToken(hub);
    const before = await involvementRows();
    for (const [mutation, input] of [
      [ADD_INVOLVEMENT, { organisationId: 'wijkteam-west', purpose: 'wijkteam-ondersteuning' }],
      [END_INVOLVEMENT, { organisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning' }],
    ] as const) {
      const known = await hub.query(west, mutation, { input: { householdId: 'hh-1001', ...input } });
      const unknown = await hub.query(west, mutation, { input: { householdId: 'hh-9999', ...input } });
      expect(known.body.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.householdId' });
      expect(withoutTrace(known)).toEqual(withoutTrace(unknown));
      const coordinate = mutation === ADD_INVOLVEMENT ? 'Mutation.addInvolvement' : 'Mutation.endInvolvement';
      const knownRecords = await recordsOfTrace(db, traceOf(known));
      expect(knownRecords).toHaveLength(3); // Mohammed, Fatima and Yasmina
      for (const record of knownRecords) expect(record).toMatchObject({ subject_kind: 'PERSON', fields_released: [], fields_withheld: [coordinate] });
      expect(await recordsOfTrace(db, traceOf(unknown))).toEqual([expect.objectContaining({ subject_kind: 'HOUSEHOLD_ID', lookups: [coordinate] })]);
    }
    expect(await involvementRows()).toBe(before);
    expect(await activeInvolvements(db, 'hh-1001')).toContain('wijkteam-oost/wijkteam-ondersteuning');
  });

  it('the regisseur adds a partner (idempotent), and ends it again; the partner\'s look-up follows; one record per member per change', async () => {
    const oost = await hub.token();
    const input = { householdId: 'hh-1007', organisationId: 'woonstichting-de-linde', purpose: 'vroegsignalering-schulden' };
    expect(await lookUpGerrit()).toBeNull();
    const nothingToEnd = await hub.query(oost, END_INVOLVEMENT, { input });
    expect(nothingToEnd.body.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.organisationId' });

    const added = await hub.query(oost, ADD_INVOLVEMENT, { input });
    expect(added.body).toMatchObject({ data: { addInvolvement: { id: 'hh-1007' } } });
    expect(added.body.errors).toBeUndefined();
    const addRecords = await recordsOfTrace(db, traceOf(added));
    expect(addRecords).toHaveLength(2); // Gerrit and Riet
    for (const record of addRecords) expect(record).toMatchObject({ fields_released: ['Mutation.addInvolvement'], field_bases: { 'Mutation.addInvolvement': 'wmo-wijkteam' }, organisation_id: 'wijkteam-oost', name: 'Add' });
    const { rows } = await db.query("SELECT registered_by, registered_by_organisation_id, since FROM involvement WHERE household_id = 'hh-1007' AND organisation_id = 'woonstichting-de-linde'");
    expect(rows).toEqual([{ registered_by: 'sanne.deboer', registered_by_organisation_id: 'wijkteam-oost', since: new Date().toISOString().slice(0, 10) }]);
    expect(await lookUpGerrit()).toEqual({ id: 'hh-1007' });

    const rowsBefore = await involvementRows();
    const again = await hub.query(oost, ADD_INVOLVEMENT, { input });
    expect(again.body.data).toEqual({ addInvolvement: { id: 'hh-1007' } });
    expect(await involvementRows()).toBe(rowsBefore);

    const badReason = await hub.query(oost, END_INVOLVEMENT, { input: { ...input, reason: 'dossier van 999975201 gesloten' } });
    expect(badReason.body.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.reason' });
    expect(JSON.stringify(badReason.body)).not.toContain('999975201');
    expect(await lookUpGerrit()).toEqual({ id: 'hh-1007' });

    const ended = await hub.query(oost, END_INVOLVEMENT, { input: { ...input, reason: 'Huurachterstand opgelost' } });
    expect(ended.body.data).toEqual({ endInvolvement: { id: 'hh-1007' } });
    expect(await recordsOfTrace(db, traceOf(ended))).toEqual([
      expect.objectContaining({ fields_released: ['Mutation.endInvolvement'] }),
      expect.objectContaining({ fields_released: ['Mutation.endInvolvement'] }),
    ]);
    const end = await db.query("SELECT ended_by, ended_by_organisation_id, end_reason, ends_at <= now() AS ended FROM involvement WHERE household_id = 'hh-1007' AND organisation_id = 'woonstichting-de-linde'");
    expect(end.rows).toEqual([{ ended_by: 'sanne.deboer', ended_by_organisation_id: 'wijkteam-oost', end_reason: 'Huurachterstand opgelost', ended: true }]);
    expect(await lookUpGerrit()).toBeNull();
  });

  it('a debt worker may not end an involvement (the policy names wijkcoach), not even their own organisation\'s', async () => {
    const debtWorker = await hub.token({ role: 'schuldhulpverlener' });
    const response = await hub.query(debtWorker, END_INVOLVEMENT, { input: { householdId: 'hh-1007', organisationId: 'schuldhulp-gemeente', purpose: 'vroegsignalering-schulden' } });
    expect(response.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(await activeInvolvements(db, 'hh-1007')).toContain('schuldhulp-gemeente/vroegsignalering-schulden');
  });
});

describeWithPostgres('an intake by a wijkcoach of an organisation that is no wijkteam', (database) => {
  // A register in which a housing corporation may hold the role wijkcoach (an identity provider's or a
  // policy mistake): the token is accepted, and the intake itself must still refuse.
  let hub: TestHub;
  beforeAll(async () => {
    const policyFile = path.resolve('schema/field-policies.yaml');
    const original = readFileSync(policyFile, 'utf8');
    const lax = original.replace('HOUSING_CORPORATION: { description: Woningcorporatie, roles: [woonconsulent, privacy-officer] }', 'HOUSING_CORPORATION: { description: Woningcorporatie, roles: [woonconsulent, wijkcoach, privacy-officer] }');
    expect(lax).not.toBe(original);
    hub = await startTestHub(database(), (config) => {
      const file = path.join(config.dataDir, 'lax-register.yaml');
      writeFileSync(file, lax);
      return { ...config, policyFile: file };
    });
  });
  afterAll(async () => hub?.stop());

  it('is FORBIDDEN by the intake itself, and nothing is written', async () => {
    const count = async () => hub.database.prisma.involvement.count({ where: { organisationId: 'woonstichting-de-linde' } });
    const before = await count();
    const token = await hub.token({ role: 'wijkcoach', organisationId: 'woonstichting-de-linde', purpose: 'wijkteam-ondersteuning' });
    const response = await hub.query(token, REGISTER_INTAKE, { input: { bsn: GERRIT } });
    expect(response.body.data).toEqual({ registerIntake: null });
    expect(response.body.errors!.map((error) => error.extensions)).toEqual([{ code: 'FORBIDDEN' }]);
    expect(response.body.errors![0].message).toBe('Only a sociaal wijkteam registers an intake');
    expect(await count()).toBe(before);
    expect(await hub.database.prisma.auditRecord.count({ where: { traceId: response.body.extensions!.traceId } })).toBe(0);
  });
});
