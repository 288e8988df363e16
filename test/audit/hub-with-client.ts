/** A suite's test hub plus a plain PostgreSQL client on its database, to look at audit_record directly. */
import { afterAll, beforeAll } from 'vitest';
import pg from 'pg';
import type { TestDatabase } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

export function useHubWithClient(database: () => TestDatabase): { hub: () => TestHub; db: () => pg.Client } {
  let hub: TestHub | undefined;
  let db: pg.Client | undefined;
  beforeAll(async () => {
    hub = await startTestHub(database());
    db = new pg.Client({ connectionString: database().url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await hub?.stop();
  });
  return { hub: () => hub!, db: () => db! };
}
