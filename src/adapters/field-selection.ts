/**
 * Data minimisation at the partner: the contract fields a caller asked for, translated into the partner's
 * own field names, so that the partner is asked for those and nothing else.
 */

/** Contract field name → the partner fields it is made from. */
export type PartnerFieldMap = Readonly<Record<string, readonly string[]>>;

/**
 * The partner fields for the requested contract fields, distinct, in the map's order. Names the map does
 * not know (`__typename`, `bsn`) need nothing from the partner. `undefined` means every contract field.
 */
export function partnerFieldsFor(map: PartnerFieldMap, fields: readonly string[] | undefined): string[] {
  const wanted = fields === undefined ? Object.keys(map) : fields.filter((field) => Object.hasOwn(map, field));
  const partnerFields = new Set(wanted.flatMap((field) => map[field]));
  return [...new Set(Object.values(map).flat())].filter((field) => partnerFields.has(field));
}
