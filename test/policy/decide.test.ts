import { describe, expect, it } from 'vitest';
import { decideField } from '../../src/policy/decide.ts';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import type { ConsentRecord } from '../../src/consent/consent-record.ts';
import type { Caller } from '../../src/auth/caller.ts';

const policies = loadPolicyFile('schema/field-policies.yaml', publicSchemaForPolicyCheck());
const inCare = policies.fields.get('Care.inCare')!;
const arrears = policies.fields.get('Housing.rentArrearsAmount')!;
const wijkcoach: Caller = { subject: 'sanne', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };
const now = new Date('2026-11-23T12:00:00Z');

function consent(overrides: Partial<ConsentRecord> = {}): ConsentRecord {
  return {
    id: 'c-1', subjectKey: 'k', category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning',
    validFrom: new Date('2026-01-01'), validUntil: null, withdrawnAt: null, ...overrides,
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

  it('forbids a role or purpose the policy does not name, before looking at consent', () => {
    expect(decideField(policies, inCare, { ...wijkcoach, roles: ['woonconsulent'] }, [consent()], now)).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
    expect(decideField(policies, inCare, { ...wijkcoach, purpose: 'vroegsignalering-schulden' }, [consent({ purpose: 'vroegsignalering-schulden' })], now)).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
  });

  it('releases legal-basis data without consent, naming the basis', () => {
    expect(decideField(policies, arrears, wijkcoach, [], now)).toMatchObject({ allowed: true, basis: 'wmo-wijkteam' });
  });
});
