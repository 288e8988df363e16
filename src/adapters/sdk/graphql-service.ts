import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { createHandler, type OperationContext } from 'graphql-http';
import { LRUCache } from 'lru-cache';
import { logger, type Logger } from '../../observability/logger.ts';
import { closeServer, listen, readBodyBytes } from '../../net/http-server.ts';

/**
 * Serves a schema as GraphQL over HTTP (graphql-http, spec compliant) on node:http.
 * Routes: POST /graphql, GET /healthz, and any JSON POST routes given. GET /graphql is refused: a query
 * in the URL would carry BSNs.
 */

/** A JSON POST route besides /graphql; it may throw a `RequestRefusal`. */
export type JsonPostHandler = (req: IncomingMessage, bytes: Buffer) => Promise<{ status: number; body: unknown }>;

export interface GraphQLServiceOptions {
  name: string;
  schema: GraphQLSchema;
  host?: string;
  port?: number;
  /**
   * Builds the resolvers' context from the raw request and its body (as text, and as the exact bytes
   * received, e.g. to check a digest), before anything is parsed or executed.
   * Throw a `RequestRefusal` to answer with that HTTP status and one GraphQL error, and nothing else.
   */
  contextFactory?: (req: IncomingMessage, body: string, bytes: Buffer) => OperationContext | Promise<OperationContext>;
  /** More POST endpoints by path (e.g. /processing-log/query); they take no query string, only a body. */
  postRoutes?: Record<string, JsonPostHandler>;
  /**
   * Checks the parsed query against the request's context (e.g. the fields a token allows) before it is
   * validated and executed. The document is parsed once and this same document is executed.
   * Throw a `RequestRefusal` to answer with that HTTP status and one GraphQL error, and nothing else.
   */
  checkDocument?: (document: DocumentNode, context: OperationContext) => void;
}

export interface RunningGraphQLService {
  name: string;
  /** The /graphql endpoint, e.g. http://127.0.0.1:41234/graphql */
  url: string;
  close(): Promise<void>;
}

/** A request refused before execution: no data, one error with a fixed message and code. */
export class RequestRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Parsed and validated documents by query text. The hub sends the same few query texts over and over
 * (only the variables change), and validation costs more than execution: a document is parsed and
 * validated once per text. Bounded by the characters held (lru-cache drops the least recently used).
 */
const VALID_DOCUMENTS_MAX_CHARS = 4 * 1024 * 1024;

export async function startGraphQLService(options: GraphQLServiceOptions): Promise<RunningGraphQLService> {
  const host = options.host ?? '127.0.0.1';
  const log = logger.child({ component: 'graphql-service', adapter: options.name });
  const { contextFactory, checkDocument, schema } = options;
  const validDocuments = new LRUCache<string, DocumentNode>({ maxSize: VALID_DOCUMENTS_MAX_CHARS, sizeCalculation: (_document, query) => Math.max(query.length, 1) });

  const handle = createHandler<IncomingMessage, OperationContext, OperationContext>({
    schema,
    context: (req) => req.context,
    formatError: (error) => maskInternal(error, log),
    // Parse and validate here (once per query text), and hand graphql-http the result: it then executes
    // this very document, without parsing or validating it again.
    onSubscribe: (req, params) => {
      const cached = validDocuments.get(params.query);
      let document: DocumentNode;
      try {
        document = cached ?? parse(params.query);
      } catch (error) {
        if (error instanceof GraphQLError) return [error]; // a syntax error: 400, as graphql-http answers it
        throw error;
      }
      try {
        // Every request: what the document may select depends on this request's context.
        checkDocument?.(document, req.context);
      } catch (error) {
        if (error instanceof RequestRefusal) return refusalResponse(error);
        throw error;
      }
      if (!cached) {
        const invalid = validate(schema, document);
        if (invalid.length > 0) return invalid;
        validDocuments.set(params.query, document);
      }
      return { schema, document, operationName: params.operationName, variableValues: params.variables, contextValue: req.context };
    },
  });

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req.url ?? '/');
    if (path === '/healthz') {
      return req.method === 'GET' || req.method === 'HEAD' ? sendJson(res, 200, { status: 'ok' }) : sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET' });
    }
    const route = options.postRoutes?.[path];
    if (route) return servePostRoute(req, res, route);
    if (path !== '/graphql') return sendJson(res, 404, { error: 'not found' });
    if (req.method !== 'POST') return sendJson(res, 405, { errors: [{ message: 'Use POST for GraphQL requests' }] }, { allow: 'POST' });

    const bytes = await readBodyBytes(req, MAX_BODY_BYTES);
    if (bytes === undefined) return sendJson(res, 413, { errors: [{ message: 'Request body too large' }] }, { connection: 'close' });
    const body = bytes.toString('utf8');
    let context: OperationContext;
    try {
      context = contextFactory ? await contextFactory(req, body, bytes) : undefined;
    } catch (error) {
      if (!(error instanceof RequestRefusal)) throw error;
      const [payload, init] = refusalResponse(error);
      return void res.writeHead(init.status, init.statusText, init.headers).end(payload);
    }
    const [payload, init] = await handle({ url: req.url ?? '/graphql', method: req.method, headers: req.headers, body, raw: req, context });
    if (!res.destroyed) res.writeHead(init.status, init.statusText, init.headers).end(payload);
  }

  async function servePostRoute(req: IncomingMessage, res: ServerResponse, route: JsonPostHandler): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, { errors: [{ message: 'Use POST' }] }, { allow: 'POST' });
    // Personal data never in a URL: a query string is refused, whatever it holds.
    if ((req.url ?? '').includes('?')) return sendJson(res, 400, { errors: [{ message: 'Send the request in the body, not in the URL', extensions: { code: 'BAD_REQUEST' } }] });
    const bytes = await readBodyBytes(req, MAX_BODY_BYTES);
    if (bytes === undefined) return sendJson(res, 413, { errors: [{ message: 'Request body too large' }] }, { connection: 'close' });
    try {
      const { status, body } = await route(req, bytes);
      return sendJson(res, status, body);
    } catch (error) {
      if (!(error instanceof RequestRefusal)) throw error;
      return sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] }, error.headers);
    }
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      log.error({ errorName: error instanceof Error ? error.name : typeof error }, 'request handling failed');
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { errors: [{ message: 'Internal server error' }] });
    });
  });
  const url = `${await listen(server, host, options.port ?? 0)}/graphql`;
  log.debug({ url }, 'graphql service listening');

  return {
    name: options.name,
    url,
    close: () => closeServer(server),
  };
}

/**
 * The path of a request target, without its query string. Routes match it as sent: no URL parser and no
 * normalisation (a URL object per request costs more than the routing), so `/x/../graphql` is not found.
 */
function pathOf(target: string): string {
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/**
 * Errors raised on purpose pass through: graphql-http's request errors (fixed texts such as 'Missing query')
 * and GraphQLErrors from resolvers. Anything else a resolver throws is a bug whose message may hold
 * internals or personal data: the caller gets a generic error and the log gets the class name.
 */
function maskInternal(error: Error | GraphQLError, log: Logger): Error | GraphQLError {
  if (!(error instanceof GraphQLError)) return error;
  const original = error.originalError;
  if (original === undefined || original instanceof GraphQLError) return error;
  log.error({ errorName: original.name, path: error.path }, 'resolver failed');
  return new GraphQLError('Internal server error', {
    path: error.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

/** A refusal as graphql-http's response tuple: one error with a fixed message and code. */
function refusalResponse(refusal: RequestRefusal): readonly [string, { status: number; statusText: string; headers: Record<string, string> }] {
  const body = JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] });
  const headers = { 'content-type': 'application/json; charset=utf-8', ...refusal.headers };
  return [body, { status: refusal.status, statusText: STATUS_CODES[refusal.status] ?? '', headers }];
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}
