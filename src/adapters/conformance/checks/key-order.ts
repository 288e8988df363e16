import { isDeepStrictEqual } from 'node:util';
import { askPeople, fail, misplacedPositions, pass, peopleList, type ConformanceCheck } from '../check.ts';
import { peopleQuery } from '../people-query.ts';
import { candidateKnownBsns, unknownBsns } from '../probe-keys.ts';

/**
 * A batch is answered in key order. Unknown keys are mixed in and the demo population is reversed (a
 * partner tends to answer in its own order), with one key twice. Each person must echo the key at its
 * position, and asking the same keys in reverse order must give the same answer per key: that also
 * catches answers that are shifted while `bsn` is copied from the keys.
 */
export const keyOrder: ConformanceCheck = {
  name: 'key-order',
  async run(context) {
    const known = candidateKnownBsns().reverse();
    const [u1, u2, u3] = unknownBsns(3);
    const half = Math.ceil(known.length / 2);
    const keys = [u1, ...known.slice(0, half), u2, ...known.slice(half), u3, known[0]];
    const query = peopleQuery(context.contract);

    const forward = peopleList(await askPeople(context, query, keys), keys.length);
    if (typeof forward === 'string') return fail(forward);
    const misplaced = misplacedPositions(forward, keys);
    if (misplaced.length) return fail(`position(s) ${misplaced.slice(0, 5).join(', ')} hold another key's person`);

    const reversedKeys = [...keys].reverse();
    const backward = peopleList(await askPeople(context, query, reversedKeys), keys.length);
    if (typeof backward === 'string') return fail(`reversed batch: ${backward}`);
    const differing = keys.flatMap((_, index) => (isDeepStrictEqual(forward[index], backward[keys.length - 1 - index]) ? [] : [index + 1]));
    if (differing.length) return fail(`the answer for a key depends on its place in the batch (position(s) ${differing.slice(0, 5).join(', ')})`);

    const found = forward.filter((item) => item !== null).length;
    return pass(found ? `${keys.length} keys in order, ${found} known` : `${keys.length} keys in order (none known to this partner: nulls only)`);
  },
};
