/** Finds values in any text-like column of any table that contain one of the given needles. */
import type { SqlRunner } from '../../src/db/migrate.ts';

export interface ClearTextHit {
  table: string;
  column: string;
  needle: string;
}

export async function findClearText(runner: SqlRunner, needles: readonly string[], tables?: readonly string[]): Promise<ClearTextHit[]> {
  const columns = await runner.query<{ table_name: string; column_name: string }>(
    `SELECT table_name::text, column_name::text FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
        AND (udt_name IN ('text', 'varchar', 'bpchar', 'json', 'jsonb') OR udt_name IN ('_text', '_varchar', '_json', '_jsonb'))
      ORDER BY 1, 2`,
  );
  const hits: ClearTextHit[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    if (tables && !tables.includes(table)) continue;
    // ::text also flattens arrays ({a,b}), so a BSN inside a TEXT[] element is found too.
    const rows = await runner.query<{ value: string }>(`SELECT "${column}"::text AS value FROM "${table}" WHERE "${column}" IS NOT NULL`);
    for (const needle of needles) {
      if (rows.some((row) => row.value.includes(needle))) hits.push({ table, column, needle });
    }
  }
  return hits;
}
