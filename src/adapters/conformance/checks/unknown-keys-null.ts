import { askPeople, fail, pass, peopleList, type ConformanceCheck } from '../check.ts';
import { peopleQuery } from '../people-query.ts';
import { unknownBsns } from '../probe-keys.ts';

/** Fictional BSNs (valid, from a test range no partner issues) come back as `null` each, without errors. */
export const unknownKeysNull: ConformanceCheck = {
  name: 'unknown-keys-null',
  async run(context) {
    const keys = unknownBsns(3);
    const people = peopleList(await askPeople(context, peopleQuery(context.contract), keys), keys.length);
    if (typeof people === 'string') return fail(`unknown keys: ${people}`);
    const notNull = people.flatMap((item, index) => (item === null ? [] : [index + 1]));
    if (notNull.length) return fail(`unknown keys answered with a person at position(s) ${notNull.join(', ')}`);
    return pass(`${keys.length} unknown keys gave null, no errors`);
  },
};
