/**
 * Data minimisation at the partner: the contract fields a caller asked for, translated into the partner's
 * own field names, so that the partner is asked for those and nothing else.
 */

/** Contract field name → the partner fields it is made from. */
export type PartnerFieldMap = Readonly<Record<string, readonly string[]>>;

/** Per map, per requested field list: the hub asks the same few selections over and over. */
const MAX_LISTS_PER_MAP = 1024;
const memo = new WeakMap<PartnerFieldMap, Map<string, readonly string[]>>();

/**
 * The partner fields for the requested contract fields, distinct, in the map's order. Names the map does
 * not know (`__typename`, `bsn`) need nothing from the partner. `undefined` means every contract field.
 * Worked out once per map and list (a contract has few fields, so few lists); the answer is frozen.
 */
export function partnerFieldsFor(map: PartnerFieldMap, fields: readonly string[] | undefined): readonly string[] {
  let byFields = memo.get(map);
  if (!byFields) memo.set(map, (byFields = new Map()));
  // Field names are GraphQL names: a newline cannot be in one, so the joined key is unambiguous.
  const key = fields === undefined ? '*' : `=${fields.join('\n')}`;
  let partnerFields = byFields.get(key);
  if (partnerFields) return partnerFields;
  partnerFields = Object.freeze(translate(map, fields));
  if (byFields.size < MAX_LISTS_PER_MAP) byFields.set(key, partnerFields);
  return partnerFields;
}

function translate(map: PartnerFieldMap, fields: readonly string[] | undefined): string[] {
  const wanted = fields === undefined ? Object.keys(map) : fields.filter((field) => Object.hasOwn(map, field));
  const partnerFields = new Set(wanted.flatMap((field) => map[field]));
  return [...new Set(Object.values(map).flat())].filter((field) => partnerFields.has(field));
}
