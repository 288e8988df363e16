/**
 * Keeps prisma/schema.prisma and the hand-written SQL in prisma/migrations in step: migrate a fresh
 * database, then check every model and field against what PostgreSQL reports.
 */
import { PGlite } from '@electric-sql/pglite';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { applyMigrations } from '../../src/db/migrate.ts';
import { pgliteRunner } from '../../src/db/runners.ts';
import { withPgRunner } from '../support/migrations.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { parsePrismaSchema, parsePrismaSchemaFile, type Model } from '../support/prisma-schema.ts';
import { compareSchema, introspect, SQL_ONLY_INDEXES, type DatabaseShape } from '../support/schema-drift.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const SCHEMA = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));
const models = parsePrismaSchemaFile(SCHEMA);

describe('schema.prisma parser', () => {
  it('sees every model with its table and mapped columns', () => {
    expect(models.map((m) => `${m.name}:${m.table}`)).toEqual([
      'Household:household', 'Person:person', 'Involvement:involvement', 'BreakGlassGrant:break_glass_grant', 'Consent:consent', 'AuditRecord:audit_record',
      'AuditCheckpoint:audit_checkpoint', 'ProcessingActivity:processing_activity', 'AuditSeal:audit_seal', 'PolicyVersion:policy_version',
    ]);
    const person = models.find((m) => m.name === 'Person')!;
    expect(person.fields.find((f) => f.name === 'bsnHash')).toMatchObject({ column: 'bsn_hash', unique: true, optional: false });
    expect(person.relations).toEqual([
      { field: 'household', target: 'Household', fields: ['householdId'], references: ['id'], onDelete: 'Cascade', onUpdate: null, optional: false },
    ]);
    const audit = models.find((m) => m.name === 'AuditRecord')!;
    expect(audit.fields.find((f) => f.name === 'fieldsReleased')).toMatchObject({ column: 'fields_released', list: true, type: 'String' });
    expect(audit.indexes).toEqual(expect.arrayContaining([{ fields: ['chainId', 'chainSeq'], unique: true }, { fields: ['subjectKey'], unique: false }, { fields: ['professional'], unique: false }]));
  });

  it('refuses constructs it cannot check instead of ignoring them', () => {
    expect(() => parsePrismaSchema('enum Role {\n  A\n}\n')).toThrow(/enum Role/);
    expect(() => parsePrismaSchema('model M {\n  id String @id @db.VarChar(36)\n}\n')).toThrow(/native type/);
  });
});

describe('drift comparison', () => {
  // Proves the comparison can fail: a correct shape reports nothing, each kind of drift is named.
  const tinyModel: Model[] = parsePrismaSchema(`
model Thing {
  id      String   @id @default(uuid())
  label   String?  @map("the_label")
  tags    String[]
  at      DateTime @default(now())
  @@index([label])
  @@map("thing")
}
`);
  const shape = (): DatabaseShape => ({
    columns: [
      { table_name: 'thing', column_name: 'id', is_nullable: 'NO', data_type: 'text', udt_name: 'text', datetime_precision: null, column_default: null },
      { table_name: 'thing', column_name: 'the_label', is_nullable: 'YES', data_type: 'text', udt_name: 'text', datetime_precision: null, column_default: null },
      { table_name: 'thing', column_name: 'tags', is_nullable: 'YES', data_type: 'ARRAY', udt_name: '_text', datetime_precision: null, column_default: null },
      { table_name: 'thing', column_name: 'at', is_nullable: 'NO', data_type: 'timestamp without time zone', udt_name: 'timestamp', datetime_precision: 3, column_default: 'CURRENT_TIMESTAMP' },
    ],
    indexes: [
      { table_name: 'thing', index_name: 'thing_pkey', is_unique: true, is_primary: true, columns: ['id'] },
      { table_name: 'thing', index_name: 'thing_the_label_idx', is_unique: false, is_primary: false, columns: ['the_label'] },
    ],
    foreignKeys: [],
  });

  it('reports nothing for a matching database', () => {
    expect(compareSchema(tinyModel, shape())).toEqual([]);
  });

  it('names renamed columns, nullability, type, default and index drift', () => {
    const drifted = shape();
    drifted.columns[1].column_name = 'label';
    drifted.columns[0].is_nullable = 'YES';
    drifted.columns[2].udt_name = '_varchar';
    drifted.columns[3].column_default = null;
    drifted.indexes.pop();
    const differences = compareSchema(tinyModel, drifted);
    expect(differences).toEqual(expect.arrayContaining([
      expect.stringContaining('Thing.label (column "thing"."the_label"): column is missing'),
      expect.stringContaining('column "label" exists in the database but not in schema.prisma'),
      expect.stringContaining('Thing.id (column "thing"."id"): database column is nullable'),
      expect.stringContaining('Thing.tags (column "thing"."tags"): type is _varchar'),
      expect.stringContaining('Thing.at (column "thing"."at"): database default is none'),
      expect.stringContaining('index "thing_the_label_idx" on (the_label) is missing'),
    ]));
  });

  it('accepts an index schema.prisma cannot declare only when it is listed as kept in SQL', () => {
    const withPartial = shape();
    withPartial.indexes.push({ table_name: 'thing', index_name: 'thing_one_open', is_unique: true, is_primary: false, columns: ['the_label'] });
    expect(compareSchema(tinyModel, withPartial, new Map())).toEqual(['model Thing (table "thing"): index "thing_one_open" exists in the database but not in schema.prisma']);
    expect(compareSchema(tinyModel, withPartial, new Map([['thing_one_open', 'a test']]))).toEqual([]);
  });

  it('names a table that no model maps to', () => {
    const extra = shape();
    extra.columns.push({ ...extra.columns[0], table_name: 'stray' });
    expect(compareSchema(tinyModel, extra)).toEqual(['table "stray" exists in the database but no model maps to it']);
  });
});

describeWithPostgres('schema.prisma vs. migrated PostgreSQL', (database) => {
  it('has no drift, and the indexes kept in SQL exist with their predicate', async () => {
    const { shape, partial } = await withPgRunner(database().url, async (runner) => {
      await applyMigrations(runner);
      const partial = await runner.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY($1)`, [[...SQL_ONLY_INDEXES.keys()]]);
      return { shape: await introspect(runner), partial };
    });
    expect(compareSchema(models, shape)).toEqual([]);
    expect(partial).toEqual([{
      indexname: 'involvement_one_open_per_organisation_purpose',
      indexdef: 'CREATE UNIQUE INDEX involvement_one_open_per_organisation_purpose ON public.involvement USING btree (household_id, organisation_id, purpose) WHERE (ends_at IS NULL)',
    }]);
  });
});

describe('schema.prisma vs. migrated PGlite', () => {
  it('has no drift', async () => {
    const db = await PGlite.create('memory://');
    try {
      const runner = pgliteRunner(db);
      await applyMigrations(runner);
      expect(compareSchema(models, await introspect(runner))).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
