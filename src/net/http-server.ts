import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/** Stops accepting connections and ends the open ones, so that close() never waits on keep-alive. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
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
