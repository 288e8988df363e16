import { logger } from '../observability/logger.ts';
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

/**
 * A partner's code translated through `table`. An unknown code becomes `null` (unknown, not guessed)
 * and is logged by field name only, so a partner that changed its code list shows up in the logs.
 */
export function partnerCode<T>(table: Readonly<Record<string, T>>, value: unknown, where: { domain: string; field: string }): T | null {
  if (typeof value === 'string' && Object.hasOwn(table, value)) return table[value];
  if (value !== undefined && value !== null) logger.warn(where, 'unknown partner code');
  return null;
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
