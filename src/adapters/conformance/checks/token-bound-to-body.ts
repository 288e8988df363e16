import { postToAdapter, requestBody, type AdapterAnswer } from '../adapter-client.ts';
import { fail, pass, type CheckContext, type ConformanceCheck } from '../check.ts';
import { peopleQuery, type PeopleQuery } from '../people-query.ts';
import { candidateKnownBsns } from '../probe-keys.ts';

/**
 * A hub token is for one request body (its `content_digest` claim, the SHA-256 of the exact bytes).
 * Captured on the wire, it must not read anyone else: the same token with other people in the body,
 * or even the same JSON with other whitespace, is refused with 401, and so is a hub token bound to no
 * body at all. A request with the body its token was signed for is answered, so the refusals are about
 * the body and not about the kit.
 */

interface Attempt {
  label: string;
  /** The body the token is signed for. */
  signedFor: Uint8Array;
  /** The body actually sent. */
  sent: Uint8Array;
  bound: boolean;
}

function attempts(query: PeopleQuery): Attempt[] {
  const [first, second, third] = candidateKnownBsns();
  const signed = requestBody(query.text, { bsns: [first] });
  const otherPeople = requestBody(query.text, { bsns: [second, third] });
  const reformatted = Buffer.from(JSON.stringify(JSON.parse(Buffer.from(signed).toString('utf8')), null, 2), 'utf8');
  return [
    { label: 'the token with other BSNs in the body', signedFor: signed, sent: otherPeople, bound: true },
    { label: 'the token with the same JSON, other whitespace', signedFor: signed, sent: reformatted, bound: true },
    { label: 'a hub token without a body digest', signedFor: signed, sent: signed, bound: false },
  ];
}

const gaveData = (answer: AdapterAnswer) => answer.body?.data !== undefined && answer.body.data !== null;

async function send(context: CheckContext, query: PeopleQuery, attempt: Attempt): Promise<AdapterAnswer> {
  const token = attempt.bound ? context.tokens.valid(query.coordinates) : context.tokens.withoutDigest(query.coordinates);
  return postToAdapter(context.url, {
    query: query.text,
    body: attempt.sent,
    token: await token(attempt.signedFor),
    timeoutMs: context.requestTimeoutMs,
  });
}

export const tokenBoundToBody: ConformanceCheck = {
  name: 'token-bound-to-body',
  async run(context) {
    const query = peopleQuery(context.contract);
    const all = attempts(query);
    const accepted: string[] = [];
    for (const attempt of all) {
      const answer = await send(context, query, attempt);
      if (answer.status !== 401 || gaveData(answer)) accepted.push(`${attempt.label} (HTTP ${answer.status})`);
    }
    if (accepted.length) return fail(`not refused with 401: ${accepted.join(', ')}`);
    const control = await send(context, query, { label: 'control', signedFor: all[0].signedFor, sent: all[0].signedFor, bound: true });
    if (control.status !== 200 || !gaveData(control)) return fail(`the body the token was signed for was not answered either (HTTP ${control.status}): the refusals show nothing`);
    return pass(`${all.length} requests whose body the token was not signed for refused with 401; the signed body answered`);
  },
};
