import { postToAdapter, requestBody, type TokenForBody } from '../adapter-client.ts';
import { fail, pass, type CheckContext, type ConformanceCheck } from '../check.ts';
import { peopleQuery } from '../people-query.ts';
import { candidateKnownBsns } from '../probe-keys.ts';

/** Only the hub may ask: each of these requests must be refused with HTTP 401 and no data. */
const FORGERIES: { label: string; token: (context: CheckContext, fields: string[]) => TokenForBody | undefined }[] = [
  { label: 'no token', token: () => undefined },
  { label: 'unsigned token', token: (context, fields) => context.tokens.unsigned(fields) },
  { label: 'token signed by another key', token: (context, fields) => context.tokens.foreignKey(fields) },
  { label: 'token for another adapter', token: (context, fields) => context.tokens.wrongAudience(fields) },
  { label: 'expired token', token: (context, fields) => context.tokens.expired(fields) },
];

/** A token captured on the wire must not work twice; the first use must work, or nothing is shown. */
async function replayAccepted(context: CheckContext): Promise<boolean> {
  const query = peopleQuery(context.contract);
  const variables = { bsns: candidateKnownBsns().slice(0, 1) };
  const token = await context.tokens.valid(query.coordinates)(requestBody(query.text, variables));
  const request = { query: query.text, variables, token, timeoutMs: context.requestTimeoutMs };
  const first = await postToAdapter(context.url, request);
  if (first.status !== 200) return false;
  const second = await postToAdapter(context.url, request);
  return second.status !== 401 || (second.body?.data !== undefined && second.body.data !== null);
}

export const hubTokenRequired: ConformanceCheck = {
  name: 'hub-token-required',
  async run(context) {
    const query = peopleQuery(context.contract);
    const accepted: string[] = [];
    for (const forgery of FORGERIES) {
      const answer = await postToAdapter(context.url, {
        query: query.text,
        variables: { bsns: candidateKnownBsns().slice(0, 3) },
        token: forgery.token(context, query.coordinates),
        timeoutMs: context.requestTimeoutMs,
      });
      const gaveData = answer.body?.data !== undefined && answer.body.data !== null;
      if (answer.status !== 401 || gaveData) accepted.push(`${forgery.label} (HTTP ${answer.status})`);
    }
    if (await replayAccepted(context)) accepted.push('a valid token used a second time');
    if (accepted.length) return fail(`not refused with 401: ${accepted.join(', ')}`);
    return pass(`${FORGERIES.length + 1} requests without a valid hub token refused with 401 (incl. a replay)`);
  },
};
