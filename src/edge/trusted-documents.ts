import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import { EDGE_ERROR_CODES } from './edge-errors.ts';

/**
 * Trusted documents (optional, TRUSTED_DOCUMENTS_FILE): only operations registered in advance run. The
 * file maps each document's SHA-256 (hex) to the document: { "<sha256>": "query HouseholdView ..." }.
 * A client sends `documentId` ("sha256:<hex>" or "<hex>") or Apollo's
 * `extensions.persistedQuery.sha256Hash` instead of `query`; a request with its own query text, or
 * with an unknown id, is refused. The file is checked at start-up: every key must be its document's hash.
 */
export type TrustedDocuments = ReadonlyMap<string, string>;

export function loadTrustedDocuments(file: string): TrustedDocuments {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`TRUSTED_DOCUMENTS_FILE ${file} could not be read as JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`TRUSTED_DOCUMENTS_FILE ${file} must be a JSON object { "<sha256>": "<document>" }`);
  const documents = new Map<string, string>();
  for (const [hash, document] of Object.entries(parsed)) {
    if (typeof document !== 'string') throw new Error(`TRUSTED_DOCUMENTS_FILE ${file}: the entry ${hash} is not a document string`);
    if (sha256(document) !== hash.toLowerCase()) throw new Error(`TRUSTED_DOCUMENTS_FILE ${file}: the key ${hash} is not the SHA-256 of its document`);
    documents.set(hash.toLowerCase(), document);
  }
  return documents;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** After the JSON body parser: replaces the id by its registered document, or refuses the request. */
export function requireTrustedDocuments(documents: TrustedDocuments): RequestHandler {
  return (req, res, next) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return next();
    const id = documentIdOf(body);
    if (id === undefined) {
      return refuse(res, EDGE_ERROR_CODES.trustedDocumentRequired, 'This hub runs registered operations only: send "documentId" (the SHA-256 of a registered document) instead of "query"');
    }
    const document = documents.get(id.toLowerCase());
    if (!document) return refuse(res, EDGE_ERROR_CODES.trustedDocumentNotFound, 'The documentId is not a registered operation');
    const { documentId: _id, extensions, ...rest } = body;
    const { persistedQuery: _persisted, ...otherExtensions } = (extensions ?? {}) as Record<string, unknown>;
    req.body = { ...rest, query: document, ...(Object.keys(otherExtensions).length > 0 ? { extensions: otherExtensions } : {}) };
    next();
  };
}

function documentIdOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.documentId === 'string') return body.documentId.replace(/^sha256:/, '');
  const persisted = (body.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
}

function refuse(res: Parameters<RequestHandler>[1], code: string, message: string): void {
  res.status(400).json({ errors: [{ message, extensions: { code } }] });
}
