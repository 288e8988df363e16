import { describe, expect, it } from 'vitest';
import { bodyMatchesDigest, contentDigest } from '../../src/auth/request-digest.ts';

describe('request digest', () => {
  it('is the RFC 9530 Content-Digest value (the RFC\'s own example)', () => {
    // RFC 9530, appendix B.1: {"hello": "world"} gives this sha-256 digest.
    expect(contentDigest('{"hello": "world"}')).toBe('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
  });

  it('hashes a string as its UTF-8 bytes', () => {
    const text = '{"query":"{ a }","variables":{"naam":"Ömer Çelik"}}';
    expect(contentDigest(text)).toBe(contentDigest(Buffer.from(text, 'utf8')));
    expect(contentDigest(text)).not.toBe(contentDigest(Buffer.from(text, 'latin1')));
  });

  it('matches only the exact bytes it was made of', () => {
    const body = Buffer.from('{"query":"{ a }","variables":{"bsns":["999906318"]}}');
    const claimed = contentDigest(body);
    expect(bodyMatchesDigest(body, claimed)).toBe(true);
    const flipped = Buffer.from(body);
    flipped[flipped.length - 5] ^= 1;
    expect(bodyMatchesDigest(flipped, claimed)).toBe(false);
    expect(bodyMatchesDigest(Buffer.concat([body, Buffer.from(' ')]), claimed)).toBe(false);
    expect(bodyMatchesDigest(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]), claimed)).toBe(false);
    expect(bodyMatchesDigest(Buffer.alloc(0), claimed)).toBe(false);
  });

  const body = Buffer.from('{"query":"{ a }"}');
  const right = contentDigest(body);
  const hash = Buffer.from(right.slice('sha-256=:'.length, -1), 'base64');
  it.each<[string, unknown]>([
    ['no claim', undefined],
    ['a number', 42],
    ['an array holding the digest', [right]],
    ['the same hash as hex', `sha-256=:${hash.toString('hex')}:`],
    ['the same hash without the RFC 9530 wrapping', hash.toString('base64')],
    ['another spelling of the algorithm', right.replace('sha-256', 'SHA-256')],
    ['the digest of another body', contentDigest('{"query":"{ b }"}')],
  ])('refuses %s as the claimed digest', (_what, claimed) => {
    expect(bodyMatchesDigest(body, claimed)).toBe(false);
  });
});
