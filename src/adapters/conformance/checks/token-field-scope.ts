import { postToAdapter } from '../adapter-client.ts';
import { fail, pass, type ConformanceCheck } from '../check.ts';
import { peopleQuery } from '../people-query.ts';
import { candidateKnownBsns } from '../probe-keys.ts';

/**
 * The hub's token names the fields it authorised (`fields`); a query for a field outside them is
 * refused with HTTP 403, so a leaked or replayed token cannot be used to read more than was decided.
 */
export const tokenFieldScope: ConformanceCheck = {
  name: 'token-field-scope',
  async run(context) {
    const [first, second] = context.contract.leafFields;
    if (second === undefined) return pass('the domain has one field: nothing to scope');
    const authorised = peopleQuery(context.contract, { leafFields: [first] });
    const asked = peopleQuery(context.contract, { leafFields: [first, second] });
    const answer = await postToAdapter(context.url, {
      query: asked.text,
      variables: { bsns: candidateKnownBsns().slice(0, 3) },
      token: context.tokens.valid(authorised.coordinates),
      timeoutMs: context.requestTimeoutMs,
    });
    const gaveData = answer.body?.data !== undefined && answer.body.data !== null;
    if (answer.status !== 403 || gaveData) return fail(`a field outside the token's fields was not refused with 403 (HTTP ${answer.status})`);
    return pass(`a field outside the token's fields refused with 403`);
  },
};
