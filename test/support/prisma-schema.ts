/**
 * A small parser for the model blocks of schema.prisma, enough to say what tables, columns, indexes and
 * foreign keys `prisma migrate` would create. `@prisma/internals` (getDMMF) is not installed here; this
 * throws on constructs it does not understand (enums, @db.* native types, composite types) so that the
 * drift test fails loudly instead of passing by accident.
 */
import { readFileSync } from 'node:fs';

export type ScalarType = 'String' | 'Int' | 'BigInt' | 'Float' | 'Boolean' | 'DateTime' | 'Decimal' | 'Json' | 'Bytes';
const SCALARS = new Set<string>(['String', 'Int', 'BigInt', 'Float', 'Boolean', 'DateTime', 'Decimal', 'Json', 'Bytes']);

export interface ScalarField {
  name: string;
  column: string;
  type: ScalarType;
  optional: boolean;
  list: boolean;
  id: boolean;
  unique: boolean;
  /** The default's function or literal as written, e.g. `now()`, `uuid()`, `0`. */
  default: string | null;
}

export interface Relation {
  field: string;
  target: string;
  fields: string[];
  references: string[];
  onDelete: string | null;
  onUpdate: string | null;
  optional: boolean;
}

export interface Model {
  name: string;
  table: string;
  fields: ScalarField[];
  relations: Relation[];
  indexes: { fields: string[]; unique: boolean }[];
  compoundId: string[] | null;
}

export function parsePrismaSchemaFile(file: string): Model[] {
  return parsePrismaSchema(readFileSync(file, 'utf8'));
}

export function parsePrismaSchema(source: string): Model[] {
  const text = stripComments(source);
  const blocks = [...text.matchAll(/^\s*(model|enum|type|view)\s+(\w+)\s*\{([\s\S]*?)^\s*\}/gm)];
  for (const block of blocks) {
    if (block[1] !== 'model') throw new Error(`schema.prisma: ${block[1]} ${block[2]} is not supported by the drift test's parser`);
  }
  const modelNames = new Set(blocks.map((block) => block[2]));
  return blocks.map((block) => parseModel(block[2], block[3], modelNames));
}

function parseModel(name: string, body: string, modelNames: Set<string>): Model {
  const model: Model = { name, table: name, fields: [], relations: [], indexes: [], compoundId: null };
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('@@')) {
      parseBlockAttribute(model, line);
      continue;
    }
    const match = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
    if (!match) throw new Error(`schema.prisma: cannot parse line in model ${name}: ${line}`);
    const [, fieldName, type, list, optional, attributes] = match;
    if (/@db\./.test(attributes)) throw new Error(`schema.prisma: ${name}.${fieldName} uses a native type; teach the drift test about it`);
    if (modelNames.has(type)) {
      const relation = attribute(attributes, 'relation');
      if (relation !== null && /fields\s*:/.test(relation)) {
        model.relations.push({
          field: fieldName,
          target: type,
          fields: listArgument(relation, 'fields'),
          references: listArgument(relation, 'references'),
          onDelete: /onDelete\s*:\s*(\w+)/.exec(relation)?.[1] ?? null,
          onUpdate: /onUpdate\s*:\s*(\w+)/.exec(relation)?.[1] ?? null,
          optional: Boolean(optional),
        });
      }
      continue;
    }
    if (!SCALARS.has(type)) throw new Error(`schema.prisma: ${name}.${fieldName} has type ${type}, unknown to the drift test`);
    model.fields.push({
      name: fieldName,
      column: stringArgument(attribute(attributes, 'map')) ?? fieldName,
      type: type as ScalarType,
      optional: Boolean(optional),
      list: Boolean(list),
      id: /(^|\s)@id\b/.test(attributes),
      unique: /(^|\s)@unique\b/.test(attributes),
      default: attribute(attributes, 'default'),
    });
  }
  return model;
}

function parseBlockAttribute(model: Model, line: string): void {
  const [, kind, args = ''] = /^@@(\w+)(?:\((.*)\))?$/.exec(line) ?? [];
  switch (kind) {
    case 'map':
      model.table = stringArgument(args) ?? model.table;
      return;
    case 'index':
    case 'unique':
      if (/\bmap\s*:|\bname\s*:|\(/.test(args.replace(/^\[[^\]]*\]/, ''))) {
        throw new Error(`schema.prisma: @@${kind} options in ${model.name} are not supported by the drift test`);
      }
      model.indexes.push({ fields: firstList(args), unique: kind === 'unique' });
      return;
    case 'id':
      model.compoundId = firstList(args);
      return;
    default:
      throw new Error(`schema.prisma: @@${kind} in ${model.name} is not supported by the drift test`);
  }
}

/** The argument text of `@name(...)` (balanced parentheses), '' for a bare `@name`, null when absent. */
function attribute(attributes: string, name: string): string | null {
  const start = new RegExp(`@${name}\\b`).exec(attributes);
  if (!start) return null;
  let i = start.index + name.length + 1;
  if (attributes[i] !== '(') return '';
  let depth = 0;
  const from = i + 1;
  for (; i < attributes.length; i++) {
    if (attributes[i] === '(') depth++;
    if (attributes[i] === ')' && --depth === 0) return attributes.slice(from, i);
  }
  throw new Error(`schema.prisma: unbalanced @${name}(… in "${attributes}"`);
}

function stringArgument(args: string | null): string | null {
  return args === null ? null : (/^\s*"([^"]*)"/.exec(args)?.[1] ?? null);
}

function listArgument(args: string, name: string): string[] {
  const match = new RegExp(`${name}\\s*:\\s*\\[([^\\]]*)\\]`).exec(args);
  return match ? splitList(match[1]) : [];
}

function firstList(args: string): string[] {
  const match = /\[([^\]]*)\]/.exec(args);
  if (!match) throw new Error(`schema.prisma: expected a field list in (${args})`);
  return splitList(match[1]);
}

function splitList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter(Boolean);
}

function stripComments(source: string): string {
  // Line comments only; the schema has no `//` inside strings in model blocks.
  return source.split('\n').map((line) => line.replace(/\/\/.*$/, '')).join('\n');
}
