import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { badUserInput, checkFreeText, containsBsn } from '../../src/request/user-input.ts';

describe('bad user input, said one way', () => {
  it('finds nine digits that pass the elfproef, standing alone', () => {
    expect(containsBsn('bsn 999906318')).toBe(true);
    expect(containsBsn('999906318,999914455')).toBe(true);
    expect(containsBsn('kenmerk 123456789')).toBe(false); // fails the elfproef
    expect(containsBsn('rekening 0999906318')).toBe(false); // ten digits
  });

  it('names the argument, never the value', () => {
    const error = badUserInput('input.note', 'must not contain a BSN');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.note' });
    let thrown: unknown;
    try {
      checkFreeText('input.note', 'bewoner 999906318 belde', 200);
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBeInstanceOf(GraphQLError);
    expect((thrown as GraphQLError).message).toBe('input.note: must not contain a BSN');
    expect(() => checkFreeText('input.note', 'x'.repeat(201), 200)).toThrow('input.note: at most 200 characters');
    expect(() => checkFreeText('input.note', 'x'.repeat(200), 200)).not.toThrow();
  });
});
