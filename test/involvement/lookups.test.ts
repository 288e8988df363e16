import { beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { errorsAt, type TestHub } from '../support/hub.ts';
import { useHubWithClient } from '../audit/hub-with-client.ts';
import { allDemoPeople } from '../../src/demo/population.ts';
import { isValidBsn } from '../../src/domain/bsn.ts';
import { recordsOfTrace } from './involvement-helpers.ts';

/**
 * Look-ups by BSN without involvement: the answer is the one for a resident the hub does not know
 * (no membership oracle), and the attempt is recorded. The Wgs early signal rests on its own legal
 * basis and is the one look-up that works without involvement.
 */

const BY_MEMBER_BSN = 'query Lookup($bsn: String!) { householdByMemberBsn(bsn: $bsn) { id } }';
const GERRIT_SMIT = '999975201'; // hh-1007: wijkteam Oost and schuldhulp, not the housing corporation
const MOHAMMED = '999906318'; // hh-1001: the housing corporation is involved
const KEES_BROUWER = '999980026'; // hh-1009: nobody is involved any more; rent arrears of three months

function unknownValidBsn(): string {
  const known = new Set(allDemoPeople().map((person) => person.bsn));
  for (let n = 111_222_000; ; n++) if (isValidBsn(String(n)) && !known.has(String(n))) return String(n);
}

describeWithPostgres('look-ups without involvement', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  let db: pg.Client;
  beforeAll(() => {
    hub = setup.hub();
    db = setup.db();
  });

  /** The raw HTTP answer, as a front end (or an attacker) gets it. */
  async function rawLookup(token: string, bsn: string) {
    const response = await fetch(hub.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: BY_MEMBER_BSN, variables: { bsn } }),
    });
    const text = await response.text();
    const traceId = (JSON.parse(text) as { extensions: { traceId: string } }).extensions.traceId;
    return { status: response.status, contentType: response.headers.get('content-type'), traceId, text, withoutTrace: text.replace(traceId, '<trace>') };
  }

  it('a woonconsulent looking up a member of a household their organisation is not involved with gets exactly the answer for an unknown BSN, and leaves a record', async () => {
    const woonconsulent = await hub.token({ role: 'woonconsulent' });
    const notInvolved = await rawLookup(woonconsulent, GERRIT_SMIT);
    const unknown = await rawLookup(woonconsulent, unknownValidBsn());
    expect(notInvolved.withoutTrace).toBe(unknown.withoutTrace);
    expect(notInvolved.text).toContain('"householdByMemberBsn":null');
    expect({ status: notInvolved.status, contentType: notInvolved.contentType }).toEqual({ status: unknown.status, contentType: unknown.contentType });

    // Recorded under Gerrit, as a look-up that found someone the caller may not know of (withheld).
    const { rows } = await db.query("SELECT bsn_hash FROM person WHERE id = 'p-2014'");
    expect(await recordsOfTrace(db, notInvolved.traceId)).toEqual([expect.objectContaining({
      subject_kind: 'PERSON', subject_key: rows[0].bsn_hash, organisation_id: 'woonstichting-de-linde',
      lookups: ['Query.householdByMemberBsn'], fields_released: [], fields_withheld: ['Query.householdByMemberBsn'],
    })]);
    expect(await recordsOfTrace(db, unknown.traceId)).toEqual([expect.objectContaining({ subject_kind: 'BSN', lookups: ['Query.householdByMemberBsn'] })]);
  });

  it('the same look-up of a member of a household the housing corporation IS involved with answers', async () => {
    const woonconsulent = await hub.token({ role: 'woonconsulent' });
    const found = await rawLookup(woonconsulent, MOHAMMED);
    expect(JSON.parse(found.text).data).toEqual({ householdByMemberBsn: { id: 'hh-1001' } });
    expect(await recordsOfTrace(db, found.traceId)).toEqual([expect.objectContaining({ subject_kind: 'PERSON', lookups: ['Query.householdByMemberBsn'], fields_withheld: [] })]);
  });

  it('the Wgs early signal: a debt worker not involved with hh-1009 sees that the arrears are two months or more, never the amount', async () => {
    const debtWorker = await hub.token({ role: 'schuldhulpverlener' });
    const response = await hub.query(debtWorker, 'query($bsn: String!) { personByBsn(bsn: $bsn) { id housing { rentArrearsTwoMonthsOrMore rentArrearsAmount } debt { totalDebt } } }', { bsn: KEES_BROUWER });
    expect(response.body.data!.personByBsn).toEqual({ id: 'p-2018', housing: { rentArrearsTwoMonthsOrMore: true, rentArrearsAmount: null }, debt: null });
    expect(errorsAt(response, 'personByBsn', 'housing', 'rentArrearsAmount')[0].extensions).toMatchObject({ code: 'FORBIDDEN', category: 'wonen' });
    expect(errorsAt(response, 'personByBsn', 'debt')[0].extensions!.code).toBe('FORBIDDEN');
    // Not through a gap in the row rule: wijkteam Oost, whose involvement with hh-1009 ended, finds nobody.
    const oost = await hub.query(await hub.token(), 'query($bsn: String!) { personByBsn(bsn: $bsn) { id } }', { bsn: KEES_BROUWER });
    expect(oost.body.data!.personByBsn).toBeNull();
  });
});
