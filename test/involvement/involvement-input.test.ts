import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import { validateEndReason, validateIntakeInput, validateInvolvementKey } from '../../src/involvement/involvement-input.ts';
import { mayEndInvolvement, mayRegisterIntake } from '../../src/involvement/involvement-rules.ts';

const policies = loadPolicyFile('schema/field-policies.yaml', publicSchemaForPolicyCheck());

/** The argument a BAD_USER_INPUT names, or 'no error'. */
function argumentOf(check: () => unknown): unknown {
  try {
    check();
    return 'no error';
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    return (error as GraphQLError).extensions.argument;
  }
}

describe('intake input', () => {
  it('finds by BSN or by a normalised address', () => {
    expect(validateIntakeInput({ bsn: '999906318' }).identifiedBy).toEqual({ bsn: '999906318' });
    expect(validateIntakeInput({ address: { postcode: ' 3531 cj', houseNumber: 112, houseNumberSuffix: ' bis ' } }).identifiedBy).toEqual({
      address: { postcode: '3531CJ', houseNumber: 112, houseNumberSuffix: 'bis', street: null, city: null },
    });
  });

  it('asks for what a new household needs only when one must be created', () => {
    const intake = validateIntakeInput({ bsn: '999906318' });
    expect(argumentOf(() => intake.newHousehold())).toBe('input.resident');
    const complete = validateIntakeInput({
      address: { postcode: '3511AA', houseNumber: 1, street: ' Domplein ', city: 'Utrecht' },
      resident: { bsn: '999906318', givenName: ' Sam ', familyName: 'Peters', birthDate: '1975-01-01' },
    });
    expect(complete.newHousehold()).toEqual({
      address: { postcode: '3511AA', houseNumber: 1, houseNumberSuffix: null, street: 'Domplein', city: 'Utrecht' },
      resident: { bsn: '999906318', givenName: 'Sam', familyName: 'Peters', birthDate: '1975-01-01' },
    });
  });

  it.each([
    ['a suffix with a BSN-length text', { address: { postcode: '3531CJ', houseNumber: 1, houseNumberSuffix: '999906318' } }, 'input.address.houseNumberSuffix'],
    ['a suffix with punctuation', { address: { postcode: '3531CJ', houseNumber: 1, houseNumberSuffix: '<b>' } }, 'input.address.houseNumberSuffix'],
    ['a fractional house number', { address: { postcode: '3531CJ', houseNumber: 1.5 } }, 'input.address.houseNumber'],
    ['an address for an address intake\'s resident', { address: { postcode: '3531CJ', houseNumber: 1 }, resident: { givenName: 'a', familyName: 'b', birthDate: '1990-01-01', address: { postcode: '3531CJ', houseNumber: 1 } } }, 'input.resident.address'],
    ['a birth date before 1900', { bsn: '999906318', resident: { givenName: 'a', familyName: 'b', birthDate: '1899-12-31' } }, 'input.resident.birthDate'],
  ])('refuses %s', (_name, input, argument) => {
    expect(argumentOf(() => validateIntakeInput(input))).toBe(argument);
  });
});

describe('involvement key and end reason', () => {
  it.each([
    [{ householdId: '', organisationId: 'woonstichting-de-linde', purpose: 'vroegsignalering-schulden' }, 'input.householdId'],
    [{ householdId: 'hh-1001', organisationId: 'ggz-de-horizon', purpose: 'wijkteam-ondersteuning' }, 'input.organisationId'],
    [{ householdId: 'hh-1001', organisationId: 'nobody', purpose: 'wijkteam-ondersteuning' }, 'input.organisationId'],
    [{ householdId: 'hh-1001', organisationId: 'schuldhulp-gemeente', purpose: 'anything' }, 'input.purpose'],
    [{ householdId: 'hh-1001', organisationId: 'schuldhulp-gemeente', purpose: 'vroegsignalering-schulden' }, 'no error'],
  ])('%j: %s', (input, argument) => {
    expect(argumentOf(() => validateInvolvementKey(input, policies))).toBe(argument);
  });

  it('keeps a reason short and free of BSNs', () => {
    expect(validateEndReason('  Verhuisd  ')).toBe('Verhuisd');
    expect(validateEndReason('   ')).toBeNull();
    expect(argumentOf(() => validateEndReason('x'.repeat(501)))).toBe('input.reason');
    expect(argumentOf(() => validateEndReason('BSN 999906318'))).toBe('input.reason');
  });
});

describe('who may register and end involvement', () => {
  const caller = (organisationId: string, role = 'wijkcoach') => ({ subject: 's', organisationId, roles: [role], purpose: 'wijkteam-ondersteuning' });

  it('an intake only for a wijkteam in the register', () => {
    expect(mayRegisterIntake(caller('wijkteam-west'))).toBe(true);
    expect(mayRegisterIntake(caller('woonstichting-de-linde'))).toBe(false);
    expect(mayRegisterIntake(caller('wijkteam-noord'))).toBe(false);
  });

  it('ending: the organisation itself, or a wijkcoach of an involved organisation', () => {
    expect(mayEndInvolvement(caller('schuldhulp-gemeente', 'schuldhulpverlener'), 'schuldhulp-gemeente', false)).toBe(true);
    expect(mayEndInvolvement(caller('wijkteam-oost'), 'schuldhulp-gemeente', true)).toBe(true);
    expect(mayEndInvolvement(caller('wijkteam-oost'), 'schuldhulp-gemeente', false)).toBe(false);
    expect(mayEndInvolvement(caller('woonstichting-de-linde', 'woonconsulent'), 'schuldhulp-gemeente', true)).toBe(false);
  });
});
