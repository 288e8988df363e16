/**
 * The BSN (burgerservicenummer) is the key shared by all partners. It is personal data in itself:
 * validate it, never log it, never put it in a URL or an error message.
 */

/** True when `value` is nine digits that pass the elfproef (11-test) and is not all zeros. */
export function isValidBsn(value: string): boolean {
  if (!/^\d{9}$/.test(value) || /^0+$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(value[i]) * (9 - i);
  sum -= Number(value[8]);
  return sum % 11 === 0;
}
