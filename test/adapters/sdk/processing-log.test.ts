import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readProcessingLog, startAdapter, type RunningGraphQLService } from '../../../src/adapters/sdk/index.ts';
import { ProcessingLog } from '../../../src/adapters/sdk/processing-log.ts';
import { postGraphQL } from '../graphql-client.ts';
import { createTestHubKeys, type TestHubKeys } from '../hub-tokens.ts';
import { fixtureAdapter, KNOWN, newFixturePartner, type FixturePartner } from './fixture-adapter.ts';

const [K1, K2] = Object.keys(KNOWN);
const PEOPLE = 'query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn housing { rentArrearsMonths evictionStatus } } }';
const KEYS_ONLY = 'query Keys($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn } }';

describe('the processing log as an append stream', () => {
  let hub: TestHubKeys;
  let partner: FixturePartner;
  const started: RunningGraphQLService[] = [];

  const start = async (processingLogFile: string) => {
    const adapter = await startAdapter(fixtureAdapter(partner), { hubKeys: hub.hubKeys, dataDir: hub.dataDir, processingLogFile });
    started.push(adapter);
    return adapter;
  };
  const ask = async (adapter: RunningGraphQLService, bsns: string[], query = PEOPLE) =>
    postGraphQL(adapter.url, query, { bsns }, await hub.headersFor('housing', query, { bsns }));

  beforeAll(async () => {
    hub = await createTestHubKeys();
    partner = newFixturePartner();
  });
  afterAll(async () => {
    try {
      await Promise.all(started.map((adapter) => adapter.close()));
    } finally {
      await hub?.cleanup();
    }
  });
  beforeEach(() => {
    partner.calls.length = 0;
  });

  it('keeps one file open across requests, appends every request, and creates it readable by its owner only', async () => {
    const file = path.join(hub.dataDir, 'ldv', 'stream.jsonl');
    const adapter = await start(file);
    for (const bsns of [[K1], [K2, K1]]) expect((await ask(adapter, bsns)).status).toBe(200);
    expect((await readProcessingLog(file)).map((record) => record.name)).toEqual(['peopleByBsn', 'peopleByBsn', 'peopleByBsn']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('has a request\'s lines in the file by the time append resolves', async () => {
    const file = path.join(hub.dataDir, 'ldv', 'direct.jsonl');
    const log = new ProcessingLog(file, 'direct', Buffer.alloc(32, 7));
    const claims = { issuer: 'hub', professional: 'p', organisationId: 'o', roles: [], purpose: 'x', fields: [], processingActivityId: null };
    const request = (bsns: string[]) => ({
      operation: 'peopleByBsn', ok: true, startedAt: new Date(), endedAt: new Date(), trace: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: null }, claims, bsns, fields: ['Person.housing'],
    });
    try {
      for (const [count, bsns] of [[1, [K1]], [3, [K2, K1]]] as const) {
        await log.append(request([...bsns]));
        // Read at once, without giving the event loop a turn: nothing may still be on its way.
        expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(count);
      }
    } finally {
      await log.close();
    }
  });

  it('has the lines with the operating system before the answer leaves', async () => {
    // A FIFO as the log file: opening it for writing waits until someone reads. The answer must wait too.
    const fifo = path.join(hub.dataDir, 'ldv-fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    const adapter = await start(fifo);
    let answered = false;
    const answer = ask(adapter, [K1]).then((result) => {
      answered = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    const reader = createReadStream(fifo, { encoding: 'utf8' });
    let text = '';
    const firstLine = new Promise<string>((resolve) => {
      reader.on('data', (chunk) => {
        text += chunk;
        if (text.includes('\n')) resolve(text);
      });
    });
    const [result, lines] = await Promise.all([answer, firstLine]);
    expect(result.body.data.peopleByBsn).toEqual([{ bsn: K1, housing: KNOWN[K1] }]);
    expect(JSON.parse(lines.split('\n')[0])).toMatchObject({ name: 'peopleByBsn', status_code: 'OK' });
    reader.destroy();
  });

  it('answers with no data when a write fails (disk full), on every request, and still answers what needs no log', async () => {
    const adapter = await start('/dev/full');
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await ask(adapter, [K1]);
      expect(result.body.data).toBeNull();
      expect(result.body.errors).toMatchObject([{ message: 'Processing log unavailable', extensions: { code: 'PROCESSING_LOG_UNAVAILABLE' } }]);
      expect(result.text).not.toContain(K1);
      expect(result.text).not.toMatch(/SUMMONED|ENOSPC|dev\/full/);
    }
    // Nothing is processed when only the keys are asked: no log line needed, so an answer.
    expect((await ask(adapter, [K1], KEYS_ONLY)).body.data.peopleByBsn).toEqual([{ bsn: K1 }]);
  });

  it('reopens the file on the next request after the stream failed', async () => {
    // A folder where the log file should be: the stream fails to open (EISDIR) and is dropped.
    const file = path.join(hub.dataDir, 'ldv', 'reopened.jsonl');
    await mkdir(file, { recursive: true });
    const adapter = await start(file);
    expect((await ask(adapter, [K1])).body.errors?.[0].extensions?.code).toBe('PROCESSING_LOG_UNAVAILABLE');
    await rmdir(file);
    const result = await ask(adapter, [K2]);
    expect(result.body.data.peopleByBsn).toEqual([{ bsn: K2, housing: KNOWN[K2] }]);
    expect(await readProcessingLog(file)).toHaveLength(1);
  });

  it('creates the log folder on a later request when it could not at first', async () => {
    const blocker = path.join(hub.dataDir, 'not-a-folder');
    const file = path.join(blocker, 'later.jsonl');
    await writeFile(blocker, 'a file where the log folder should be');
    const adapter = await start(file);
    expect((await ask(adapter, [K1])).body.errors?.[0].extensions?.code).toBe('PROCESSING_LOG_UNAVAILABLE');
    await rm(blocker);
    expect((await ask(adapter, [K2])).body.data.peopleByBsn).toEqual([{ bsn: K2, housing: KNOWN[K2] }]);
    expect(await readProcessingLog(file)).toHaveLength(1);
  });

  it('has every line of the requests answered in the file when close resolves', async () => {
    const file = path.join(hub.dataDir, 'ldv', 'closing.jsonl');
    const adapter = await startAdapter(fixtureAdapter(partner), { hubKeys: hub.hubKeys, dataDir: hub.dataDir, processingLogFile: file });
    const answers = await Promise.all([ask(adapter, [K1]), ask(adapter, [K2]), ask(adapter, [K1, K2])]);
    await adapter.close();
    expect(answers.every((result) => result.status === 200 && result.body.errors === undefined)).toBe(true);
    expect(await readProcessingLog(file)).toHaveLength(4);
  });
});
