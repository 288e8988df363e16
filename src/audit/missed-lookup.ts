import type { SubjectProtector } from '../crypto/subject-protection.ts';
import type { MissedKeyKind, MissedLookupKey } from './access-log.ts';

/**
 * The protected form of a look-up key that found nobody. A BSN gets the same keyed hash a person's BSN
 * gets, so a resident's subject access report also shows who looked them up before the hub knew them;
 * other keys are namespaced by kind. The encrypted copy lets a privacy officer read what was tried.
 */
export function missedLookupKey(protector: SubjectProtector, kind: MissedKeyKind, value: string): MissedLookupKey {
  return {
    kind,
    subjectKey: protector.lookupKey(kind === 'BSN' ? value : `${kind}:${value}`),
    subjectEncrypted: protector.encrypt(value),
  };
}
