/** SqlRunner adapters for the two drivers the hub supports. */
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { SqlRunner } from './migrate.ts';

/**
 * A runner over node-postgres. Pass a `pg.Client` or a checked-out `PoolClient` where one session is
 * needed (migrations); a `pg.Pool` is fine for single statements but may use a new connection per call.
 */
export function pgRunner(client: pg.ClientBase | pg.Pool): SqlRunner {
  return {
    async query<T>(sql: string, params?: unknown[], preparedAs?: string) {
      const result = await client.query({ text: sql, values: params, ...(preparedAs ? { name: preparedAs } : {}) });
      return result.rows as T[];
    },
    async exec(sql: string) {
      // No parameters: node-postgres then uses the simple protocol, which accepts multi-statement scripts.
      await client.query(sql);
    },
  };
}

/** A runner over an in-process PGlite database (always a single session). */
export function pgliteRunner(db: PGlite): SqlRunner {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const result = await db.query<T>(sql, params as unknown[] | undefined);
      return result.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}
