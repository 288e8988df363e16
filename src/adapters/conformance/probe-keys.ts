import { isValidBsn } from '../../domain/bsn.ts';
import { allDemoPeople } from '../../demo/population.ts';

/**
 * The BSNs the kit asks for. It cannot know whom a partner knows, so it mixes the demo population (the
 * simulators and a partner's test system may know them) with fictional BSNs from the 9999xxxxx test
 * range that no partner should know. Every probe passes the elfproef; the adapter's answers decide
 * which are known.
 */

/** The demo population's BSNs: candidates that a partner's test population may know. */
export function candidateKnownBsns(): string[] {
  return allDemoPeople().map((person) => person.bsn);
}

/** `count` fictional valid BSNs from 999990000 upwards, outside the demo population. */
export function unknownBsns(count: number): string[] {
  const demo = new Set(candidateKnownBsns());
  const found: string[] = [];
  for (let candidate = 999_990_000; found.length < count && candidate <= 999_999_999; candidate++) {
    const bsn = String(candidate);
    if (isValidBsn(bsn) && !demo.has(bsn)) found.push(bsn);
  }
  return found;
}

/** A BSN that fails the elfproef: a valid one with its last digit changed (always off by 1 or 9, mod 11). */
export function invalidBsn(): string {
  const valid = candidateKnownBsns()[0];
  return `${valid.slice(0, 8)}${(Number(valid[8]) + 1) % 10}`;
}

/** `count` valid BSNs, known candidates first, then fictional ones. */
export function mixedBsns(count: number): string[] {
  const known = candidateKnownBsns();
  return [...known, ...unknownBsns(Math.max(0, count - known.length))].slice(0, count);
}
