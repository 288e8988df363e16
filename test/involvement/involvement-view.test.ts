import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import type { TestHub } from '../support/hub.ts';
import { useHubWithClient } from '../audit/hub-with-client.ts';
import { visibleInvolvement } from '../../src/involvement/involvement-view.ts';

/**
 * Household.involvement shows who is involved now, with purpose and planned end; never an ended one,
 * and never a mental health care organisation: that someone is in GGZ care is health data, so even a
 * row stored by mistake stays out.
 */

const INVOLVEMENT = 'query($id: ID!) { household(id: $id) { involvement { organisation { id kind } purpose since until } } }';

describe('visibleInvolvement', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  const row = (organisationId: string, endsAt: string | null = null) => ({ organisationId, purpose: 'wijkteam-ondersteuning', since: '2026-01-01', endsAt: endsAt ? new Date(endsAt) : null });

  it('leaves out a GGZ organisation, an organisation the register does not know, and an ended involvement', () => {
    const shown = visibleInvolvement([row('ggz-de-horizon'), row('onbekende-club'), row('wijkteam-west', '2026-11-24T11:59:59Z'), row('wijkteam-oost', '2027-01-01T00:00:00Z')], now);
    expect(shown).toEqual([{ organisation: expect.objectContaining({ id: 'wijkteam-oost' }), purpose: 'wijkteam-ondersteuning', since: '2026-01-01', until: '2027-01-01T00:00:00.000Z' }]);
  });
});

describeWithPostgres('Household.involvement over HTTP', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  beforeAll(() => {
    hub = setup.hub();
  });

  it('never lists a GGZ organisation, even with such a row in the database; lists purpose and planned end; not an ended one', async () => {
    const prisma = hub.database.prisma;
    await prisma.involvement.create({ data: { householdId: 'hh-1001', organisationId: 'ggz-de-horizon', purpose: 'wijkteam-ondersteuning', since: '2026-02-10' } });
    expect(await prisma.involvement.count({ where: { householdId: 'hh-1001', organisationId: 'ggz-de-horizon', endsAt: null } })).toBe(1);
    await prisma.involvement.updateMany({ where: { householdId: 'hh-1001', organisationId: 'schuldhulp-gemeente' }, data: { endsAt: new Date('2099-06-30T22:00:00Z') } });
    await prisma.involvement.updateMany({ where: { householdId: 'hh-1001', organisationId: 'woonstichting-de-linde' }, data: { endsAt: new Date(Date.now() - 60_000) } });

    const response = await hub.query(await hub.token(), INVOLVEMENT, { id: 'hh-1001' });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.household.involvement).toEqual([
      { organisation: { id: 'wijkteam-oost', kind: 'WIJKTEAM' }, purpose: 'wijkteam-ondersteuning', since: '2025-09-15', until: null },
      { organisation: { id: 'schuldhulp-gemeente', kind: 'DEBT_RELIEF' }, purpose: 'vroegsignalering-schulden', since: '2025-11-03', until: '2099-06-30T22:00:00.000Z' },
    ]);
    expect(JSON.stringify(response.body)).not.toMatch(/ggz|MENTAL_HEALTH_CARE/i);
  });
});
