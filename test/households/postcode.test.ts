import { describe, expect, it } from 'vitest';
import { normalisePostcode } from '../../src/households/hub-subschema.ts';

describe('Dutch postcodes', () => {
  it.each([
    ['3531CJ', '3531CJ'],
    ['3531 cj', '3531CJ'],
    [' 3531  CJ ', '3531CJ'],
  ])('normalises %j', (input, expected) => {
    expect(normalisePostcode(input)).toBe(expected);
  });

  it.each(['0531CJ', '3531', '3531C', 'ABCDEF', '35311CJ'])('rejects %j', (input) => {
    expect(normalisePostcode(input)).toBeUndefined();
  });
});
