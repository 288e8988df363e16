/**
 * Compares what schema.prisma says Prisma would create with what a migrated database really has:
 * tables, columns (type, nullability, default), indexes and foreign keys. Returns human-readable
 * differences; an empty list means no drift.
 */
import type { SqlRunner } from '../../src/db/migrate.ts';
import type { Model, ScalarField } from './prisma-schema.ts';

export interface ColumnInfo {
  table_name: string;
  column_name: string;
  is_nullable: 'YES' | 'NO';
  data_type: string;
  udt_name: string;
  datetime_precision: number | null;
  column_default: string | null;
}

export interface IndexInfo {
  table_name: string;
  index_name: string;
  is_unique: boolean;
  is_primary: boolean;
  columns: string[];
}

export interface ForeignKeyInfo {
  table_name: string;
  constraint_name: string;
  referenced_table: string;
  columns: string[];
  referenced_columns: string[];
  on_delete: string;
  on_update: string;
}

export interface DatabaseShape {
  columns: ColumnInfo[];
  indexes: IndexInfo[];
  foreignKeys: ForeignKeyInfo[];
}

const IGNORED_TABLES = new Set(['_prisma_migrations']);

export async function introspect(runner: SqlRunner): Promise<DatabaseShape> {
  const columns = await runner.query<ColumnInfo>(
    `SELECT table_name::text, column_name::text, is_nullable::text, data_type::text, udt_name::text,
            datetime_precision::int, column_default::text
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const indexes = await runner.query<IndexInfo>(
    `SELECT t.relname::text AS table_name, i.relname::text AS index_name, ix.indisunique AS is_unique,
            ix.indisprimary AS is_primary,
            (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' ORDER BY 1, 2`,
  );
  const foreignKeys = await runner.query<ForeignKeyInfo>(
    `SELECT t.relname::text AS table_name, c.conname::text AS constraint_name, r.relname::text AS referenced_table,
            (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
            (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS referenced_columns,
            c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_class r ON r.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND n.nspname = 'public' ORDER BY 1, 2`,
  );
  return { columns, indexes, foreignKeys };
}

// Prisma's default PostgreSQL type for each scalar (no @db.* attribute).
const UDT: Record<ScalarField['type'], string> = {
  String: 'text', Int: 'int4', BigInt: 'int8', Float: 'float8', Boolean: 'bool',
  DateTime: 'timestamp', Decimal: 'numeric', Json: 'jsonb', Bytes: 'bytea',
};

const REFERENTIAL_ACTION: Record<string, string> = { Cascade: 'c', Restrict: 'r', NoAction: 'a', SetNull: 'n', SetDefault: 'd' };

/**
 * Indexes the migrations create that schema.prisma cannot declare (partial indexes), by name, with where
 * they come from. Each must exist: test/db/schema-drift.test.ts checks them with their predicate.
 */
export const SQL_ONLY_INDEXES: ReadonlyMap<string, string> = new Map([
  ['involvement_one_open_per_organisation_purpose', 'migration 20261124200000_one_open_involvement: one open-ended involvement per household, organisation and purpose'],
]);

export function compareSchema(models: Model[], actual: DatabaseShape, sqlOnlyIndexes: ReadonlyMap<string, string> = SQL_ONLY_INDEXES): string[] {
  const differences: string[] = [];
  const expectedTables = new Set(models.map((model) => model.table));
  const actualTables = new Set(actual.columns.map((column) => column.table_name).filter((name) => !IGNORED_TABLES.has(name)));
  for (const table of actualTables) {
    if (!expectedTables.has(table)) differences.push(`table "${table}" exists in the database but no model maps to it`);
  }

  for (const model of models) {
    const where = `model ${model.name} (table "${model.table}")`;
    if (!actualTables.has(model.table)) {
      differences.push(`${where}: table is missing in the database`);
      continue;
    }
    const columns = new Map(actual.columns.filter((c) => c.table_name === model.table).map((c) => [c.column_name, c]));
    const columnOf = (fieldName: string) => model.fields.find((field) => field.name === fieldName)?.column ?? `<unknown field ${fieldName}>`;

    for (const field of model.fields) {
      const column = columns.get(field.column);
      const label = `${model.name}.${field.name} (column "${model.table}"."${field.column}")`;
      if (!column) {
        differences.push(`${label}: column is missing in the database`);
        continue;
      }
      columns.delete(field.column);
      differences.push(...compareColumn(label, field, column));
    }
    for (const extra of columns.keys()) differences.push(`${where}: column "${extra}" exists in the database but not in schema.prisma`);

    // Indexes, named the way Prisma names them.
    const expectedIndexes: { name: string; columns: string[]; unique: boolean; primary: boolean }[] = [];
    const idFields = model.compoundId ?? model.fields.filter((field) => field.id).map((field) => field.name);
    if (idFields.length) expectedIndexes.push({ name: `${model.table}_pkey`, columns: idFields.map(columnOf), unique: true, primary: true });
    for (const field of model.fields.filter((f) => f.unique)) {
      expectedIndexes.push({ name: `${model.table}_${field.column}_key`, columns: [field.column], unique: true, primary: false });
    }
    for (const index of model.indexes) {
      const cols = index.fields.map(columnOf);
      expectedIndexes.push({ name: `${model.table}_${cols.join('_')}_${index.unique ? 'key' : 'idx'}`, columns: cols, unique: index.unique, primary: false });
    }
    const actualIndexes = new Map(actual.indexes.filter((i) => i.table_name === model.table).map((i) => [i.index_name, i]));
    for (const expected of expectedIndexes) {
      const found = actualIndexes.get(expected.name);
      if (!found) {
        differences.push(`${where}: index "${expected.name}" on (${expected.columns.join(', ')}) is missing`);
        continue;
      }
      actualIndexes.delete(expected.name);
      if (found.columns.join(',') !== expected.columns.join(',')) {
        differences.push(`${where}: index "${expected.name}" covers (${found.columns.join(', ')}), expected (${expected.columns.join(', ')})`);
      }
      if (found.is_unique !== expected.unique || found.is_primary !== expected.primary) {
        differences.push(`${where}: index "${expected.name}" unique=${found.is_unique} primary=${found.is_primary}, expected unique=${expected.unique} primary=${expected.primary}`);
      }
    }
    for (const extra of actualIndexes.keys()) {
      if (!sqlOnlyIndexes.has(extra)) differences.push(`${where}: index "${extra}" exists in the database but not in schema.prisma`);
    }

    // Foreign keys: Prisma's defaults are ON DELETE RESTRICT (SET NULL when optional), ON UPDATE CASCADE.
    const actualKeys = new Map(actual.foreignKeys.filter((fk) => fk.table_name === model.table).map((fk) => [fk.constraint_name, fk]));
    for (const relation of model.relations) {
      const cols = relation.fields.map(columnOf);
      const name = `${model.table}_${cols.join('_')}_fkey`;
      const target = models.find((m) => m.name === relation.target);
      const found = actualKeys.get(name);
      if (!found || !target) {
        differences.push(`${where}: foreign key "${name}" for relation ${model.name}.${relation.field} is missing`);
        continue;
      }
      actualKeys.delete(name);
      const targetColumns = relation.references.map((ref) => target.fields.find((f) => f.name === ref)?.column ?? ref);
      const onDelete = REFERENTIAL_ACTION[relation.onDelete ?? (relation.optional ? 'SetNull' : 'Restrict')];
      const onUpdate = REFERENTIAL_ACTION[relation.onUpdate ?? 'Cascade'];
      const got = `${found.columns.join(',')} -> ${found.referenced_table}(${found.referenced_columns.join(',')}) delete=${found.on_delete} update=${found.on_update}`;
      const want = `${cols.join(',')} -> ${target.table}(${targetColumns.join(',')}) delete=${onDelete} update=${onUpdate}`;
      if (got !== want) differences.push(`${where}: foreign key "${name}" is ${got}, expected ${want}`);
    }
    for (const extra of actualKeys.keys()) differences.push(`${where}: foreign key "${extra}" exists in the database but not in schema.prisma`);
  }
  return differences;
}

function compareColumn(label: string, field: ScalarField, column: ColumnInfo): string[] {
  const differences: string[] = [];
  const wantUdt = (field.list ? '_' : '') + UDT[field.type];
  if (column.udt_name !== wantUdt) differences.push(`${label}: type is ${column.udt_name}, expected ${wantUdt} for ${field.type}${field.list ? '[]' : ''}`);
  if (field.type === 'DateTime' && !field.list && column.datetime_precision !== 3) {
    differences.push(`${label}: timestamp precision is ${column.datetime_precision}, expected 3 (Prisma's TIMESTAMP(3))`);
  }
  // Prisma creates scalar lists as nullable columns even when the field is required (prisma/prisma#4729).
  const wantNullable = field.optional || field.list;
  if ((column.is_nullable === 'YES') !== wantNullable) {
    differences.push(`${label}: database column is ${column.is_nullable === 'YES' ? 'nullable' : 'NOT NULL'}, schema.prisma says ${field.list ? 'scalar list (Prisma creates it nullable)' : wantNullable ? 'optional' : 'required'}`);
  }
  // Only now() becomes a database default; uuid()/cuid() are generated by the client.
  const wantDefault =
    field.default === 'now()' ? 'CURRENT_TIMESTAMP'
    : field.default === 'autoincrement()' ? 'sequence'
    : field.default === null || /^\w+\(\)$/.test(field.default) ? null
    : 'literal';
  const gotDefault = column.column_default;
  const ok =
    wantDefault === 'literal' ? gotDefault !== null
    : wantDefault === 'sequence' ? gotDefault?.startsWith('nextval(') === true
    : gotDefault === wantDefault;
  if (!ok) {
    differences.push(`${label}: database default is ${gotDefault ?? 'none'}, expected ${wantDefault === 'literal' ? field.default : (wantDefault ?? 'none')}`);
  }
  return differences;
}
