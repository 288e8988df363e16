import { createHash } from 'node:crypto';

/**
 * Binds an upstream token to the one request it was signed for. The hub signs the SHA-256 of the exact
 * body bytes it sends into the token (claim `content_digest`, in the form of an RFC 9530 Content-Digest
 * value: `sha-256=:<base64>:`); the adapter hashes the raw bytes it received, before parsing anything,
 * and refuses a body that does not match. A token captured on the wire is then worth one request: the
 * one the hub made, which the replay guard already refuses a second time.
 *
 * The digest covers raw bytes, not the parsed JSON: other whitespace, key order, escaping or encoding
 * is another body, and fails closed.
 */

/** The token claim that carries the digest. */
export const CONTENT_DIGEST_CLAIM = 'content_digest';

/** `sha-256=:<base64 of SHA-256(body)>:` for the exact bytes of a body (a string counts as UTF-8). */
export function contentDigest(body: Uint8Array | string): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/** True when `claimed` (from a verified token) is the digest of exactly these bytes; anything else is false. */
export function bodyMatchesDigest(body: Uint8Array, claimed: unknown): boolean {
  return typeof claimed === 'string' && claimed === contentDigest(body);
}
