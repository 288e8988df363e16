/**
 * A small structural validator for FHIR R4 JSON against a condensed definition
 * (test/fixtures/fhir/consent-r4-definition.json): known elements only, cardinalities, JSON shape of
 * single and repeating elements, primitive formats, required bindings, choice elements and the
 * resource's invariants. Returns the problems; an empty list means valid.
 */
import { readFileSync } from 'node:fs';

interface ElementDefinition {
  min: number;
  max: '1' | '*';
  type: string;
  choiceOf?: string;
}

interface Invariant {
  key: string;
  human: string;
  anyOf?: string[];
  whenScope?: string;
  requires?: string;
}

export interface ResourceDefinition {
  resourceType: string;
  primitives: Record<string, string>;
  types: Record<string, Record<string, ElementDefinition>>;
  requiredBindings: Record<string, { valueSet: string; codes: string[] }>;
  invariants: Invariant[];
  scopeCodes: { system: string; codes: string[] };
}

export function loadDefinition(file: URL): ResourceDefinition {
  return JSON.parse(readFileSync(file, 'utf8')) as ResourceDefinition;
}

export function validateResource(resource: unknown, definition: ResourceDefinition): string[] {
  const problems: string[] = [];
  if (!isObject(resource)) return ['the resource is not a JSON object'];
  if (resource.resourceType !== definition.resourceType) problems.push(`resourceType must be '${definition.resourceType}'`);
  const { resourceType: _type, ...elements } = resource;
  checkComplex(elements, definition.resourceType, definition.resourceType, definition, problems);
  for (const invariant of definition.invariants) {
    if (invariant.anyOf && !invariant.anyOf.some((name) => resource[name] !== undefined)) problems.push(`${invariant.key}: ${invariant.human}`);
    if (invariant.whenScope && invariant.requires && resource[invariant.requires] === undefined && hasScope(resource, invariant.whenScope, definition)) {
      problems.push(`${invariant.key}: ${invariant.human}`);
    }
  }
  return problems;
}

function checkComplex(value: Record<string, unknown>, typeName: string, path: string, definition: ResourceDefinition, problems: string[]): void {
  const elements = definition.types[typeName];
  if (!elements) return; // Meta, Narrative, Extension, contained resources: not used here, shape not checked
  for (const key of Object.keys(value)) {
    if (!elements[key]) problems.push(`${path}.${key}: not an element of ${typeName}`);
  }
  if (Object.keys(value).length === 0) problems.push(`${path}: an element must have a value or children (ele-1)`);
  const choices = new Map<string, string[]>();
  for (const [name, element] of Object.entries(elements)) {
    const elementPath = `${path}.${name}`;
    const raw = value[name];
    if (element.choiceOf && raw !== undefined) choices.set(element.choiceOf, [...(choices.get(element.choiceOf) ?? []), name]);
    if (raw === undefined) {
      if (element.min > 0) problems.push(`${elementPath}: required (min ${element.min})`);
      continue;
    }
    if (element.max === '*' && !Array.isArray(raw)) {
      problems.push(`${elementPath}: repeats (0..*), so it must be a JSON array`);
      continue;
    }
    if (element.max === '1' && Array.isArray(raw)) {
      problems.push(`${elementPath}: at most one (..1), so it must not be an array`);
      continue;
    }
    const items = Array.isArray(raw) ? raw : [raw];
    if (items.length < element.min) problems.push(`${elementPath}: at least ${element.min} required, found ${items.length}`);
    if (Array.isArray(raw) && items.length === 0) problems.push(`${elementPath}: an empty array is not allowed in FHIR JSON`);
    items.forEach((item, index) => {
      const itemPath = Array.isArray(raw) ? `${elementPath}[${index}]` : elementPath;
      checkValue(item, element.type, itemPath, definition, problems);
      checkRequiredBinding(item, `${typeName}.${name}`, itemPath, definition, problems);
    });
  }
  for (const [choice, present] of choices) {
    if (present.length > 1) problems.push(`${path}.${choice}: only one of ${present.join(', ')} may be present`);
  }
}

function checkValue(value: unknown, type: string, path: string, definition: ResourceDefinition, problems: string[]): void {
  const primitive = definition.primitives[type];
  if (primitive === 'boolean' || primitive === 'number') {
    if (typeof value !== primitive) problems.push(`${path}: must be a JSON ${primitive} (${type})`);
  } else if (primitive !== undefined) {
    if (typeof value !== 'string' || !new RegExp(primitive).test(value)) problems.push(`${path}: not a valid ${type}`);
  } else if (!isObject(value)) {
    problems.push(`${path}: must be a JSON object (${type})`);
  } else {
    checkComplex(value, type, path, definition, problems);
  }
}

function checkRequiredBinding(value: unknown, elementPath: string, path: string, definition: ResourceDefinition, problems: string[]): void {
  const binding = definition.requiredBindings[elementPath];
  if (binding && typeof value === 'string' && !binding.codes.includes(value)) {
    problems.push(`${path}: '${value}' is not in the required value set ${binding.valueSet}`);
  }
}

function hasScope(resource: Record<string, unknown>, code: string, definition: ResourceDefinition): boolean {
  const coding = isObject(resource.scope) && Array.isArray(resource.scope.coding) ? resource.scope.coding : [];
  return coding.some((c) => isObject(c) && c.system === definition.scopeCodes.system && c.code === code);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
