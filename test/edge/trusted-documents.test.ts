import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { loadTrustedDocuments, sha256 } from '../../src/edge/trusted-documents.ts';

const HOUSEHOLD = 'query Household($id: ID!) { household(id: $id) { id address { street } } }';
const HASH = sha256(HOUSEHOLD);

/** Folders made by documentsFile, removed when the file's tests are done. */
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function documentsFile(content: unknown): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'ontschot-trusted-'));
  folders.push(folder);
  const file = path.join(folder, 'documents.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describeWithPostgres('trusted documents mode', (database) => {
  let hub: TestHub;
  let token: string;
  beforeAll(async () => {
    const file = documentsFile({ [HASH]: HOUSEHOLD });
    hub = await startTestHub(database(), (config) => ({ ...config, edge: { ...config.edge!, trustedDocumentsFile: file } }));
    token = await hub.token();
  });
  afterAll(async () => hub?.stop());

  async function post(body: Record<string, unknown>) {
    const response = await fetch(hub.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('runs a registered operation sent by its hash, as documentId or as Apollo persisted query', async () => {
    for (const body of [
      { documentId: `sha256:${HASH}`, variables: { id: 'hh-1001' } },
      { documentId: HASH, variables: { id: 'hh-1001' } },
      { extensions: { persistedQuery: { version: 1, sha256Hash: HASH } }, variables: { id: 'hh-1001' } },
    ]) {
      const response = await post(body);
      expect(response.status).toBe(200);
      expect(response.body.data.household.address.street).toBe('Kanaalstraat');
    }
  });

  it('refuses query text, even the registered text, with TRUSTED_DOCUMENT_REQUIRED', async () => {
    for (const query of [HOUSEHOLD, '{ household(id: "hh-1001") { id } }']) {
      const response = await post({ query, variables: { id: 'hh-1001' } });
      expect(response.status).toBe(400);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    }
  });

  it('refuses an unknown hash with TRUSTED_DOCUMENT_NOT_FOUND, also when query text rides along', async () => {
    const unknown = await post({ documentId: sha256('{ household(id: "hh-1001") { id } }') });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toEqual({ message: 'The documentId is not a registered operation', extensions: { code: 'TRUSTED_DOCUMENT_NOT_FOUND' } });
    const smuggled = await post({ documentId: 'f'.repeat(64), query: '{ household(id: "hh-1001") { id } }' });
    expect(smuggled.body.errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_NOT_FOUND');
  });

  it('runs the registered document, not a query sent next to its hash', async () => {
    const response = await post({ documentId: HASH, query: '{ household(id: "hh-1001") { members { givenName } } }', variables: { id: 'hh-1001' } });
    expect(response.status).toBe(200);
    expect(response.body.data.household).toEqual({ id: 'hh-1001', address: { street: 'Kanaalstraat' } });
  });
});

describe('loadTrustedDocuments', () => {
  it('refuses a file whose key is not the SHA-256 of its document', () => {
    expect(() => loadTrustedDocuments(documentsFile({ [HASH]: `${HOUSEHOLD} ` }))).toThrow(/is not the SHA-256 of its document/);
  });

  it('refuses a file that is not an object of strings', () => {
    expect(() => loadTrustedDocuments(documentsFile([HOUSEHOLD]))).toThrow(/must be a JSON object/);
    expect(() => loadTrustedDocuments(documentsFile({ [HASH]: 1 }))).toThrow(/is not a document string/);
  });
});
