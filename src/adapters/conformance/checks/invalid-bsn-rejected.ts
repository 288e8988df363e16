import { askPeople, errorCodes, fail, pass, type ConformanceCheck } from '../check.ts';
import { peopleQuery } from '../people-query.ts';
import { candidateKnownBsns, invalidBsn } from '../probe-keys.ts';

/**
 * A BSN that fails the elfproef is refused with BAD_USER_INPUT and its index in the list, never its
 * value (a mistyped BSN is still someone's BSN), and no person data comes back.
 */
export const invalidBsnRejected: ConformanceCheck = {
  name: 'invalid-bsn-rejected',
  async run(context) {
    const valid = candidateKnownBsns()[0];
    const invalid = invalidBsn();
    const answer = await askPeople(context, peopleQuery(context.contract), [valid, invalid]);
    const errors = answer.body?.errors ?? [];
    const errorText = JSON.stringify(errors);
    if (errorText.includes(invalid) || errorText.includes(valid)) return fail('the error repeats a BSN that was asked');
    if (errors.length === 0) return fail(`an invalid BSN was accepted without an error (HTTP ${answer.status})`);
    const people = answer.body?.data?.peopleByBsn;
    if (Array.isArray(people) && people.some((item) => item !== null)) return fail('person data came back for a batch with an invalid BSN');
    const error = errors.find((candidate) => candidate.extensions?.code === 'BAD_USER_INPUT');
    if (!error) return fail(`the error is not BAD_USER_INPUT${errorCodes(answer)}`);
    if (error.extensions?.index !== 1) return fail('the error does not name the index of the invalid key (extensions.index)');
    return pass('BAD_USER_INPUT with the index, without the value');
  },
};
