import { describe, expect, it } from 'vitest';
import { decideField, dependsOnConsent } from '../../src/policy/decide.ts';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import type { ConsentRecord } from '../../src/consent/consent-record.ts';
import type { Caller } from '../../src/auth/caller.ts';

const policies = loadPolicyFile('schema/field-policies.yaml', publicSchemaForPolicyCheck());
const inCare = policies.fields.get('Care.inCare')!;
const arrears = policies.fields.get('Housing.rentArrearsAmount')!;
const arrearsSignal = policies.fields.get('Housing.rentArrearsTwoMonthsOrMore')!;
const debtWorker: Caller = { subject: 'joost', organisationId: 'schuldhulp-gemeente', roles: ['schuldhulpverlener'], purpose: 'vroegsignalering-schulden' };
const wijkcoach: Caller = { subject: 'sanne', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };
const now = new Date('2026-11-23T12:00:00Z');

function consent(overrides: Partial<ConsentRecord> = {}): ConsentRecord {
  return {
    id: 'c-1', subjectKey: 'k', category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning',
    validFrom: new Date('2026-01-01'), validUntil: null, withdrawnAt: null, confirmedAt: new Date('2026-01-01'), ...overrides,
  };
}

describe('the decision for one field of one person', () => {
  it('releases consent-based data on an active matching consent, naming the consent', () => {
    expect(decideField(policies, inCare, wijkcoach, [consent()], now)).toMatchObject({ allowed: true, basis: 'consent', consentId: 'c-1' });
  });

  it.each([
    ['withdrawn', consent({ withdrawnAt: new Date('2026-11-01') })],
    ['expired', consent({ validUntil: new Date('2026-06-30') })],
    ['not yet valid', consent({ validFrom: new Date('2027-01-01') })],
    ['for another organisation', consent({ granteeOrganisationId: 'wijkteam-west' })],
    ['for another purpose', consent({ purpose: 'vroegsignalering-schulden' })],
    ['for another category', consent({ category: 'schulden' })],
  ])('asks for consent when the only consent is %s', (_label, record) => {
    expect(decideField(policies, inCare, wijkcoach, [record], now)).toMatchObject({
      allowed: false,
      code: 'CONSENT_REQUIRED',
      requiredConsent: { category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning' },
    });
  });

  it('fails closed when the consent store is unavailable', () => {
    expect(decideField(policies, inCare, wijkcoach, 'unavailable', now)).toMatchObject({ allowed: false, code: 'CONSENT_UNAVAILABLE' });
  });

  it('forbids a role the policy does not name, and never looks at consent for it', () => {
    expect(decideField(policies, inCare, { ...wijkcoach, roles: ['woonconsulent'] }, [consent()], now)).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
    // Even an unreachable consent store does not change the answer: the role alone decides.
    expect(decideField(policies, inCare, { ...wijkcoach, roles: ['woonconsulent'] }, 'unavailable', now)).toMatchObject({ code: 'FORBIDDEN' });
    expect(dependsOnConsent(policies, inCare, { ...wijkcoach, roles: ['woonconsulent'] })).toBe(false);
    expect(dependsOnConsent(policies, inCare, wijkcoach)).toBe(true);
  });

  it('withholds with PURPOSE_MISMATCH when the role is covered but the purpose is not, even with a consent for that purpose', () => {
    const decision = decideField(policies, inCare, { ...wijkcoach, purpose: 'vroegsignalering-schulden' }, [consent({ purpose: 'vroegsignalering-schulden' })], now);
    expect(decision).toMatchObject({ allowed: false, code: 'PURPOSE_MISMATCH' });
    expect(decision.options).toEqual([
      expect.objectContaining({ basis: 'consent', roles: ['wijkcoach'], purposes: ['wijkteam-ondersteuning'], outcome: 'PURPOSE_NOT_COVERED' }),
    ]);
    expect(decideField(policies, arrears, { ...wijkcoach, purpose: 'privacy-toezicht' }, [], now)).toMatchObject({ code: 'PURPOSE_MISMATCH' });
  });

  it('lets a debt worker see that arrears are two months or more on the Wgs basis, but not the amount', () => {
    expect(decideField(policies, arrearsSignal, debtWorker, [], now)).toMatchObject({ allowed: true, basis: 'wgs-vroegsignalering' });
    expect(decideField(policies, arrearsSignal, wijkcoach, [], now)).toMatchObject({ allowed: true, basis: 'wmo-wijkteam' });
    const amount = decideField(policies, arrears, debtWorker, [], now);
    expect(amount).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
    expect(amount.options).toEqual([expect.objectContaining({ basis: 'wmo-wijkteam', outcome: 'ROLE_NOT_COVERED' })]);
    // The same debt worker for another purpose: the Wgs basis covers the role, not the purpose.
    expect(decideField(policies, arrearsSignal, { ...debtWorker, purpose: 'wijkteam-ondersteuning' }, [], now)).toMatchObject({ code: 'PURPOSE_MISMATCH' });
  });

  it('explains a withheld consent-based field with the consent that would make it visible', () => {
    const decision = decideField(policies, inCare, wijkcoach, [], now);
    expect(decision.options).toEqual([
      {
        basis: 'consent', kind: 'consent', roles: ['wijkcoach'], purposes: ['wijkteam-ondersteuning'], outcome: 'CONSENT_MISSING',
        requiredConsent: { category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning' },
      },
    ]);
  });

  it('releases legal-basis data without consent, naming the basis', () => {
    expect(decideField(policies, arrears, wijkcoach, [], now)).toMatchObject({ allowed: true, basis: 'wmo-wijkteam' });
  });
});
