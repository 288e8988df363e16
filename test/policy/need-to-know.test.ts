import { describe, expect, it } from 'vitest';
import { decideField, dependsOnInvolvement } from '../../src/policy/decide.ts';
import { lookupNeedsInvolvement, NOT_ABOUT_A_HOUSEHOLD, type Standing } from '../../src/policy/need-to-know.ts';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { POLICY_FILE, policySchema, problemsOf, shippedPolicy, withLine } from '../support/policy-file-fixture.ts';
import type { ConsentRecord } from '../../src/consent/consent-record.ts';
import type { Caller } from '../../src/auth/caller.ts';

const policies = loadPolicyFile(POLICY_FILE, policySchema);
const shipped = shippedPolicy;
const field = (coordinate: string) => policies.fields.get(coordinate)!;
const now = new Date('2026-11-24T12:00:00Z');

const westCoach: Caller = { subject: 'noor.visser', organisationId: 'wijkteam-west', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };
const debtWorker: Caller = { subject: 'karim.haddou', organisationId: 'schuldhulp-gemeente', roles: ['schuldhulpverlener'], purpose: 'vroegsignalering-schulden' };
const woonconsulent: Caller = { subject: 'petra.smits', organisationId: 'woonstichting-de-linde', roles: ['woonconsulent'], purpose: 'vroegsignalering-schulden' };

const involved: Standing = { involved: true };
const stranger: Standing = { involved: false };
const underGrant: Standing = { involved: false, breakGlassGrantId: 'grant-1' };

function ggzConsent(overrides: Partial<ConsentRecord> = {}): ConsentRecord {
  return {
    id: 'c-west', subjectKey: 'k', category: 'ggz', granteeOrganisationId: 'wijkteam-west', purpose: 'wijkteam-ondersteuning',
    validFrom: new Date('2026-01-01'), validUntil: null, withdrawnAt: null, confirmedAt: new Date('2026-01-02'), ...overrides,
  };
}

describe('the row rule in the decision (need to know)', () => {
  it('releases legal-basis data to an involved organisation and withholds it as NOT_INVOLVED from anyone else, saying what would help', () => {
    expect(decideField(policies, field('Debt.totalDebt'), westCoach, [], now, involved)).toMatchObject({ allowed: true, basis: 'wmo-wijkteam' });
    const withheld = decideField(policies, field('Debt.totalDebt'), westCoach, [], now, stranger);
    expect(withheld).toMatchObject({ allowed: false, code: 'NOT_INVOLVED', requiredInvolvement: { organisationId: 'wijkteam-west', purpose: 'wijkteam-ondersteuning' } });
    expect(withheld.options).toEqual([expect.objectContaining({ basis: 'wmo-wijkteam', outcome: 'NOT_INVOLVED' })]);
  });

  it('lets a break-the-glass grant stand in for involvement, and names the grant on what it releases', () => {
    expect(decideField(policies, field('Household.address'), westCoach, [], now, underGrant)).toMatchObject({ allowed: true, basis: 'wmo-wijkteam', breakGlassGrantId: 'grant-1' });
    // With a real involvement the grant is not what releases the data: no grant on the record.
    expect(decideField(policies, field('Household.address'), westCoach, [], now, { involved: true, breakGlassGrantId: 'grant-1' })).not.toHaveProperty('breakGlassGrantId');
  });

  it('never opens a special category on a grant: GGZ stays CONSENT_REQUIRED, consent on record or not (the code tells nothing)', () => {
    const without = decideField(policies, field('Care.inCare'), westCoach, [], now, underGrant);
    const withConsent = decideField(policies, field('Care.inCare'), westCoach, [ggzConsent()], now, underGrant);
    expect(without).toMatchObject({ allowed: false, code: 'CONSENT_REQUIRED' });
    expect(withConsent).toEqual(without);
    expect(decideField(policies, field('Care.inCare'), westCoach, [ggzConsent()], now, involved)).toMatchObject({ allowed: true, consentId: 'c-west' });
  });

  it('does not look at consents without involvement: a consent of an organisation that is no longer involved releases nothing', () => {
    expect(decideField(policies, field('Care.inCare'), westCoach, [ggzConsent()], now, stranger)).toMatchObject({ allowed: false, code: 'NOT_INVOLVED' });
  });

  it('never releases on a consent that waits for its second professional (four eyes)', () => {
    expect(decideField(policies, field('Care.inCare'), westCoach, [ggzConsent({ confirmedAt: null })], now, involved)).toMatchObject({ allowed: false, code: 'CONSENT_REQUIRED' });
  });

  it('keeps the Wgs early signal on its own basis: the debt worker needs no involvement for the signal, and is exempt from the look-up rule', () => {
    expect(dependsOnInvolvement(policies, field('Housing.rentArrearsTwoMonthsOrMore'), debtWorker)).toBe(false);
    expect(decideField(policies, field('Housing.rentArrearsTwoMonthsOrMore'), debtWorker, [], now, stranger)).toMatchObject({ allowed: true, basis: 'wgs-vroegsignalering' });
    expect(decideField(policies, field('Housing.rentArrearsAmount'), debtWorker, [], now, stranger)).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
    expect(lookupNeedsInvolvement(policies, debtWorker)).toBe(false);
    // The same debt worker for another purpose, and a woonconsulent (no exempt basis covers either): the rule holds.
    expect(lookupNeedsInvolvement(policies, { ...debtWorker, purpose: 'wijkteam-ondersteuning' })).toBe(true);
    expect(lookupNeedsInvolvement(policies, woonconsulent)).toBe(true);
    expect(lookupNeedsInvolvement(policies, westCoach)).toBe(true);
    // The officers' basis (avg-toezicht) is outside the rule too, but reads no household: it exempts no look-up.
    expect(lookupNeedsInvolvement(policies, { subject: 'fg.gemeente', organisationId: 'gemeente-utrecht', roles: ['hub-privacy-officer'], purpose: 'privacy-toezicht' })).toBe(true);
  });

  it('leaves root fields to their own resolvers: no standing, no NOT_INVOLVED', () => {
    expect(decideField(policies, field('Query.consentsOf'), westCoach, [], now, NOT_ABOUT_A_HOUSEHOLD)).toMatchObject({ allowed: true });
    expect(decideField(policies, field('Household.members'), westCoach, [], now)).toMatchObject({ allowed: true }); // the default: not about a household
  });

  it('does not make role or purpose problems look like involvement problems', () => {
    expect(decideField(policies, field('Debt.totalDebt'), woonconsulent, [], now, stranger)).toMatchObject({ code: 'FORBIDDEN' });
    expect(decideField(policies, field('Debt.totalDebt'), { ...westCoach, purpose: 'vroegsignalering-schulden' }, [], now, stranger)).toMatchObject({ code: 'PURPOSE_MISMATCH' });
  });
});

describe('the need-to-know sections of the policy file', () => {
  it('reads the shipped sections as a privacy officer wrote them', () => {
    expect([...policies.needToKnow.involvementRequiredFor].sort()).toEqual(['consent', 'toestemmingsregistratie', 'wmo-wijkteam']);
    expect(policies.breakGlass).toMatchObject({ roles: ['wijkcoach'], durationMinutes: 240, minimumJustificationLength: 40 });
    expect(policies.breakGlass.reasons.has('acuut-veiligheidsrisico')).toBe(true);
    expect(policies.organisationKinds.get('HOUSING_CORPORATION')!.roles).not.toContain('wijkcoach');
    expect(policies.supervision.hubWideRoles).toEqual(['hub-privacy-officer']);
  });

  it('names the line of an unknown basis in the row rule, a bad break-the-glass duration, and an unknown organisation kind', () => {
    const basis = withLine('involvementRequiredFor: [wmo-wijkteam,', 'involvementRequiredFor: [wmo-wijk,');
    expect(problemsOf(basis.text)).toContainEqual(`${POLICY_FILE}:${basis.line}: needToKnow: unknown basis 'wmo-wijk' (use consent or a name from legalBases)`);
    const duration = withLine('durationMinutes: 240', 'durationMinutes: 10080');
    expect(problemsOf(duration.text).join('\n')).toMatch(/'breakGlass.durationMinutes' must be a whole number of minutes between 1 and 1440/);
    const kind = withLine('  DEBT_RELIEF:', '  BANK:');
    expect(problemsOf(kind.text)).toContainEqual(`${POLICY_FILE}:${kind.line}: unknown organisation kind 'BANK' (use WIJKTEAM, HOUSING_CORPORATION, DEBT_RELIEF, MENTAL_HEALTH_CARE, MUNICIPALITY)`);
    expect(problemsOf(kind.text).join('\n')).toMatch(/say which roles kind 'DEBT_RELIEF' may hold/);
  });

  it('refuses a policy without the row rule, rather than sharing every household with everyone', () => {
    const text = shipped.replace(/\nneedToKnow:\n(?: .*\n|\n)*?(?=\n#|\n[a-zA-Z])/, '\n');
    expect(text).not.toContain('involvementRequiredFor');
    expect(problemsOf(text).join('\n')).toMatch(/'needToKnow' needs a description and 'involvementRequiredFor'/);
  });
});
