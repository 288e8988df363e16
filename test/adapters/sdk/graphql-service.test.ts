import type { IncomingMessage } from 'node:http';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, type DocumentNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestRefusal, selectedCoordinates, startGraphQLService, type RunningGraphQLService } from '../../../src/adapters/sdk/index.ts';
import { postGraphQL } from '../graphql-client.ts';

describe('startGraphQLService', () => {
  let service: RunningGraphQLService;
  beforeAll(async () => {
    const schema = makeExecutableSchema({
      typeDefs: 'type Query { hello: String, caller: String, bug: String, refused: String }',
      resolvers: {
        Query: {
          hello: () => 'hallo',
          caller: (_root: unknown, _args: unknown, context: { caller: string }) => context.caller,
          bug: () => {
            throw new TypeError('cannot read /srv/secret for 999906318');
          },
          refused: () => {
            throw new GraphQLError('Refused on purpose', { extensions: { code: 'FORBIDDEN' } });
          },
        },
      },
    });
    service = await startGraphQLService({
      name: 'test-service',
      schema,
      port: 0,
      contextFactory: (req: IncomingMessage) => {
        if (req.headers['x-caller'] === 'intruder') throw new RequestRefusal(401, 'UNAUTHENTICATED', 'Go away', { 'www-authenticate': 'Bearer' });
        return { caller: String(req.headers['x-caller'] ?? 'nobody') };
      },
    });
  });
  afterAll(() => service.close());

  it('serves POST /graphql on a random port', async () => {
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const result = await postGraphQL(service.url, '{ hello }');
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ data: { hello: 'hallo' } });
  });

  it('accepts application/json without a charset', async () => {
    const res = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ hello }"}' });
    expect(await res.json()).toEqual({ data: { hello: 'hallo' } });
  });

  it('builds the context from the request', async () => {
    const res = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-caller': 'gateway' }, body: '{"query":"{ caller }"}' });
    expect(await res.json()).toEqual({ data: { caller: 'gateway' } });
  });

  it('answers a refusal from the context factory with its status and one error, without executing', async () => {
    const res = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-caller': 'intruder' }, body: '{"query":"{ hello }"}' });
    expect([res.status, res.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
    expect(await res.json()).toEqual({ errors: [{ message: 'Go away', extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('answers GET /healthz with 200 {"status":"ok"}', async () => {
    const res = await fetch(new URL('/healthz', service.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('refuses GET /graphql (variables in a URL) and unknown paths', async () => {
    const get = await fetch(`${service.url}?query=${encodeURIComponent('{ hello }')}`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(new URL('/other', service.url))).status).toBe(404);
  });

  it('hides an unexpected resolver error behind a generic message', async () => {
    const result = await postGraphQL(service.url, '{ bug hello }');
    expect(result.body.data).toEqual({ bug: null, hello: 'hallo' });
    expect(result.body.errors).toEqual([{ message: 'Internal server error', path: ['bug'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(result.text).not.toMatch(/secret|999906318|TypeError|at /);
  });

  it('passes a deliberate GraphQLError through with its code', async () => {
    const result = await postGraphQL(service.url, '{ refused }');
    expect(result.body.errors?.[0]).toMatchObject({ message: 'Refused on purpose', extensions: { code: 'FORBIDDEN' } });
  });

  it('answers malformed requests with 400 JSON, and an oversized body with 413', async () => {
    const bad = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { message: string }[] }).errors[0].message).toBe('Unparsable JSON body');
    const big = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ hello } #${'x'.repeat(1024 * 1024)}` }) });
    expect(big.status).toBe(413);
    // Still serving.
    expect((await postGraphQL(service.url, '{ hello }')).body.data).toEqual({ hello: 'hallo' });
  });
});

describe('startGraphQLService with checkDocument: one parse, checked and executed', () => {
  let service: RunningGraphQLService;
  const checked: DocumentNode[] = [];
  const executed: OperationDefinitionNode[] = [];
  beforeAll(async () => {
    const schema = makeExecutableSchema({
      typeDefs: 'type Query { hello(name: String): String, secret: String }',
      resolvers: {
        Query: {
          hello: (_root: unknown, args: { name?: string }, _context: unknown, info: GraphQLResolveInfo) => {
            executed.push(info.operation);
            return `hallo ${args.name ?? 'wereld'}`;
          },
          secret: () => 'geheim',
        },
      },
    });
    service = await startGraphQLService({
      name: 'checked-service',
      schema,
      port: 0,
      contextFactory: (req: IncomingMessage) => ({ allowed: String(req.headers['x-allowed'] ?? 'Query.hello').split(',') }),
      checkDocument: (document, context) => {
        checked.push(document);
        const { allowed } = context as { allowed: string[] };
        if (selectedCoordinates(schema, document).some((coordinate) => !allowed.includes(coordinate))) throw new RequestRefusal(403, 'FORBIDDEN', 'Not for you');
      },
    });
  });
  afterAll(() => service.close());

  it('executes the very document it checked, with the chosen operation and its variables', async () => {
    checked.length = 0;
    executed.length = 0;
    const res = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query A { hello } query B($n: String) { greeting: hello(name: $n) }', operationName: 'B', variables: { n: 'Anna' } }),
    });
    expect(await res.json()).toEqual({ data: { greeting: 'hallo Anna' } });
    expect(checked).toHaveLength(1);
    expect(executed).toHaveLength(1);
    // The same object, not an equal one from a second parse.
    expect(checked[0].definitions).toContain(executed[0]);
  });

  it('answers a refusal from checkDocument with its status and one error, without executing, also behind an alias and a fragment', async () => {
    executed.length = 0;
    const result = await postGraphQL(service.url, '{ hello ...F } fragment F on Query { s: secret }');
    expect(result.status).toBe(403);
    expect(result.body).toEqual({ errors: [{ message: 'Not for you', extensions: { code: 'FORBIDDEN' } }] });
    expect(executed).toHaveLength(0);
  });

  it('checks a query text it has seen before against each request anew', async () => {
    const query = '{ hello secret }';
    const post = (allowed: string) => fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-allowed': allowed }, body: JSON.stringify({ query }) });
    const wide = await post('Query.hello,Query.secret');
    expect(await wide.json()).toEqual({ data: { hello: 'hallo wereld', secret: 'geheim' } });
    const narrow = await post('Query.hello');
    expect(narrow.status).toBe(403);
    expect(await narrow.json()).toEqual({ errors: [{ message: 'Not for you', extensions: { code: 'FORBIDDEN' } }] });
  });

  it('answers a syntax error with 400 without checking, and validates what it checked', async () => {
    checked.length = 0;
    const syntax = await postGraphQL(service.url, '{ hello ');
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors?.[0].message).toMatch(/^Syntax Error/);
    expect(checked).toHaveLength(0);
    const invalid = await postGraphQL(service.url, '{ hello(name: 3) }');
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.[0].message).toMatch(/String cannot represent a non string value/);
    expect(invalid.body.data).toBeUndefined();
  });
});
