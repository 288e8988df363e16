import { createServer, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildSchema, parse } from 'graphql';
import { decodeJwt } from 'jose';
import type { ExecutionResult } from '@graphql-tools/utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadHubSigningKey, type HubSigningKey } from '../../src/auth/hub-signing-key.ts';
import { contentDigest } from '../../src/auth/request-digest.ts';
import { loadDomainSdl } from '../../src/domain/partner-domains.ts';
import { closeServer, listen, readBodyBytes } from '../../src/net/http-server.ts';
import { startAdapter, type RunningGraphQLService } from '../../src/adapters/sdk/index.ts';
import { requestBody } from '../../src/adapters/conformance/adapter-client.ts';
import { createUpstreamExecutor } from '../../src/gateway/upstream-executor.ts';
import { createSigningFetch, UnsignableRequest } from '../../src/gateway/upstream-signing-fetch.ts';
import type { RequestContext } from '../../src/request/request-context.ts';
import type { Caller } from '../../src/auth/caller.ts';
import { fixtureAdapter, KNOWN, newFixturePartner, type FixturePartner } from '../adapters/sdk/fixture-adapter.ts';

const [K1, K2] = Object.keys(KNOWN);
const PEOPLE = 'query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn housing { rentArrearsMonths } } }';
const ANNA: Caller = { subject: 'wijkcoach-anna', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };
const BOB: Caller = { subject: 'wijkcoach-bob', organisationId: 'wijkteam-west', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };

interface Captured {
  method: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * The attacker's position: a wiretap between gateway and adapter that sees every request, passes it on
 * unchanged, and keeps a copy of the hub's token and body to try again later.
 */
async function startWiretap(target: string) {
  const captured: Captured[] = [];
  const server = createServer(async (req, res) => {
    const body = (await readBodyBytes(req, 1024 * 1024)) ?? Buffer.alloc(0);
    captured.push({ method: req.method ?? '', headers: req.headers, body });
    const forwarded = await fetch(target, {
      method: req.method,
      headers: Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)) as [string, string][]),
      body: req.method === 'POST' ? body : undefined,
    });
    res.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'application/json' }).end(await forwarded.text());
  });
  const url = `${await listen(server, '127.0.0.1', 0)}/graphql`;
  return { url, captured, close: () => closeServer(server) };
}

describe('the gateway signs each upstream token over the exact bytes it sends', () => {
  let dataDir: string;
  let hubKey: HubSigningKey;
  let partner: FixturePartner;
  let adapter: RunningGraphQLService;
  let wiretap: Awaited<ReturnType<typeof startWiretap>>;

  /** A request as stitching hands it to the executor: the document, variables and the gateway's context for `caller`. */
  const executionRequest = (caller: Caller | undefined, bsns: string[]) => ({
    document: parse(PEOPLE),
    variables: { bsns },
    context: { caller, hubKey, traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' } as unknown as RequestContext,
  });

  async function replay(body: Uint8Array, authorization: string | undefined) {
    const response = await fetch(adapter.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-upstream-signing-'));
    hubKey = await loadHubSigningKey(dataDir, {});
    partner = newFixturePartner();
    adapter = await startAdapter(fixtureAdapter(partner), { hubKeys: { jwks: hubKey.jwks }, dataDir });
    wiretap = await startWiretap(adapter.url);
  });
  afterAll(async () => {
    await wiretap.close();
    await adapter.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    partner.calls.length = 0;
    wiretap.captured.length = 0;
  });

  it('binds the token to the body on the wire: for this caller, these fields and this digest', async () => {
    const executor = createUpstreamExecutor('housing', { url: wiretap.url, timeBudgetMs: 2000 });
    const result = (await executor(executionRequest(ANNA, [K1]))) as ExecutionResult;
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ peopleByBsn: [{ bsn: K1, housing: { rentArrearsMonths: KNOWN[K1].rentArrearsMonths } }] });

    expect(wiretap.captured).toHaveLength(1);
    const [sent] = wiretap.captured;
    const claims = decodeJwt(sent.headers.authorization!.replace(/^Bearer /, ''));
    expect(claims.content_digest).toBe(contentDigest(sent.body));
    expect(claims).toMatchObject({ sub: ANNA.subject, org: ANNA.organisationId, purpose: ANNA.purpose, aud: 'ontschot-adapter:housing' });
    expect([...(claims.fields as string[])].sort()).toEqual(['Housing.rentArrearsMonths', 'Person.bsn', 'Person.housing', 'Query.peopleByBsn']);
    expect(sent.headers.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(sent.headers['content-type']).toBe('application/json');
  });

  it('signs the fields of each query text it sends, also when queries alternate (the fields are kept per text)', async () => {
    const executor = createUpstreamExecutor('housing', { url: wiretap.url, timeBudgetMs: 2000 });
    const NARROW = 'query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn } }';
    const ask = async (query: string) => {
      const result = (await executor({ ...executionRequest(ANNA, [K1]), document: parse(query) })) as ExecutionResult;
      expect(result.errors).toBeUndefined();
      const sent = wiretap.captured.at(-1)!;
      return [...(decodeJwt(sent.headers.authorization!.replace(/^Bearer /, '')).fields as string[])].sort();
    };
    const wide = ['Housing.rentArrearsMonths', 'Person.bsn', 'Person.housing', 'Query.peopleByBsn'];
    expect(await ask(PEOPLE)).toEqual(wide);
    expect(await ask(NARROW)).toEqual(['Person.bsn', 'Query.peopleByBsn']);
    expect(await ask(PEOPLE)).toEqual(wide);
    expect(await ask(NARROW)).toEqual(['Person.bsn', 'Query.peopleByBsn']);
  });

  it('a captured token replayed with another body gets 401 at the adapter, and the partner is never asked', async () => {
    const executor = createUpstreamExecutor('housing', { url: wiretap.url, timeBudgetMs: 2000 });
    await executor(executionRequest(ANNA, [K1]));
    const [sent] = wiretap.captured;
    partner.calls.length = 0;

    // The attacker keeps the hub's token and asks for someone else, the same fields, right away.
    const otherPerson = await replay(requestBody(PEOPLE, { bsns: [K2] }), sent.headers.authorization);
    expect(otherPerson.status).toBe(401);
    expect(otherPerson.body).toEqual({ errors: [{ message: 'The request body does not match the digest signed in the hub token', extensions: { code: 'UNAUTHENTICATED' } }] });
    // The exact bytes the hub sent: the hub used the token already.
    const sameBody = await replay(sent.body, sent.headers.authorization);
    expect(sameBody.status).toBe(401);
    expect(sameBody.body.data).toBeUndefined();
    expect(partner.calls).toHaveLength(0);
  });

  it("signs two callers' identical concurrent queries separately, never sharing one upstream request", async () => {
    const executor = createUpstreamExecutor('housing', { url: wiretap.url, timeBudgetMs: 2000 });
    partner.behaviour = () => new Promise((resolve) => setTimeout(resolve, 50));
    try {
      const results = (await Promise.all([executor(executionRequest(ANNA, [K1])), executor(executionRequest(BOB, [K1]))])) as ExecutionResult[];
      expect(results.map((result) => result.errors)).toEqual([undefined, undefined]);
    } finally {
      partner.behaviour = async () => undefined;
    }
    const subjects = wiretap.captured.map((sent) => decodeJwt(sent.headers.authorization!.replace(/^Bearer /, '')).sub).sort();
    expect(subjects).toEqual([ANNA.subject, BOB.subject]);
    expect(partner.calls).toHaveLength(2);
  });

  it('sends nothing when there is no caller to sign for', async () => {
    const executor = createUpstreamExecutor('housing', { url: wiretap.url, timeBudgetMs: 2000 });
    const result = (await executor(executionRequest(undefined, [K1]))) as ExecutionResult;
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['SOURCE_UNAVAILABLE']);
    expect(wiretap.captured).toHaveLength(0);
  });

  it.each([
    ['a GET (the query would be in the URL)', { method: 'GET' }],
    ['a POST without a JSON string body (e.g. a multipart upload)', { method: 'POST', body: new FormData() }],
    ['a POST whose JSON has no query', { method: 'POST', body: JSON.stringify({ variables: { bsns: [K1] } }) }],
  ])('refuses to sign %s and sends nothing', async (_what, init) => {
    const signingFetch = createSigningFetch('housing', buildSchema(loadDomainSdl('housing')));
    await expect(signingFetch(wiretap.url, init as RequestInit, executionRequest(ANNA, [K1]).context)).rejects.toBeInstanceOf(UnsignableRequest);
    expect(wiretap.captured).toHaveLength(0);
  });
});
