import { describe, expect, it } from 'vitest';
import { isValidBsn } from '../../src/domain/bsn.ts';
import { allDemoPeople } from '../../src/demo/population.ts';

describe('BSN elfproef', () => {
  it('accepts every demo BSN', () => {
    for (const person of allDemoPeople()) expect(isValidBsn(person.bsn), person.id).toBe(true);
  });

  it.each([
    ['one digit changed', '999906319'],
    ['eight digits', '99990631'],
    ['ten digits', '9999063180'],
    ['letters', '99990631a'],
    ['spaces', '999 906 318'],
    ['all zeros', '000000000'],
    ['empty', ''],
  ])('rejects %s', (_label, value) => {
    expect(isValidBsn(value)).toBe(false);
  });
});
