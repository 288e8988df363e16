import { PartnerPayloadError } from './partner-call.ts';

/**
 * Tolerant readers for partner JSON: a field of the wrong type becomes `null` (that one value is
 * unknown) instead of failing the whole batch. Only a broken envelope fails the call.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function int(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

export function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

/** `json[key]` as a list of objects that carry a string `bsn`; anything else is a broken envelope. */
export function recordsWithBsn(json: unknown, key: string): JsonObject[] {
  const list = isObject(json) ? json[key] : undefined;
  if (!Array.isArray(list)) throw new PartnerPayloadError(`missing list "${key}"`);
  if (!list.every((item) => isObject(item) && typeof item.bsn === 'string')) {
    throw new PartnerPayloadError(`an entry of "${key}" has no bsn`);
  }
  return list as JsonObject[];
}
