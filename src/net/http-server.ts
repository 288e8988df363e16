import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../observability/logger.ts';

/** Starts listening (port 0 picks a free port) and returns the base URL, e.g. http://127.0.0.1:41234. */
export async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
}

/** How long in-flight requests may take to finish when a server stops (SHUTDOWN_GRACE_MS, default 10 s). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
let shutdownGraceMs = DEFAULT_SHUTDOWN_GRACE_MS;

/** Set once at start-up by src/cli/serve.ts from SHUTDOWN_GRACE_MS; every server's close() uses it. */
export function setShutdownGrace(ms: number): void {
  shutdownGraceMs = ms;
}

export function shutdownGrace(): number {
  return shutdownGraceMs;
}

/**
 * Stops accepting connections and lets the requests in flight finish, up to the shutdown grace; then
 * ends whatever is left. Idle keep-alive connections are closed at once and as they become idle, so
 * close() never waits on a client that keeps its connection open.
 */
export function closeServer(server: Server, graceMs = shutdownGraceMs): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => {
      server.getConnections((_error, count) => logger.warn({ connections: count, graceMs }, 'shutdown grace over: cutting the connections still open'));
      server.closeAllConnections();
    }, graceMs);
    deadline.unref();
    server.close((error) => {
      clearInterval(sweep);
      clearTimeout(deadline);
      if (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

/** The request body as UTF-8 text, or `undefined` when it is larger than `maxBytes` (answer 413 then). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return (await readBodyBytes(req, maxBytes))?.toString('utf8');
}

/** The request body as the exact bytes received, or `undefined` when it is larger than `maxBytes`. */
export function readBodyBytes(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
