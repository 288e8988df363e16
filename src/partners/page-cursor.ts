import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque cursors for paged REST searches. The cursor holds the offset of the next page and a MAC over
 * that offset and the search it belongs to, so it reveals nothing (no BSNs) and cannot be replayed
 * against another search. Stateless: nothing to keep or expire on the partner side.
 */

export interface PageCursors {
  /** The cursor of the page starting at `offset` of the search identified by `searchKey`. */
  issue(offset: number, searchKey: string): string;
  /** The offset a cursor points to, or `undefined` when it was not issued for this search. */
  read(cursor: string, searchKey: string): number | undefined;
}

export function createPageCursors(): PageCursors {
  const secret = randomBytes(32);
  const mac = (offset: number, searchKey: string) => createHmac('sha256', secret).update(`${offset}\n${searchKey}`).digest().subarray(0, 16);
  return {
    issue: (offset, searchKey) => `${offset}.${mac(offset, searchKey).toString('base64url')}`,
    read(cursor, searchKey) {
      const match = /^(\d{1,9})\.([A-Za-z0-9_-]{22})$/.exec(cursor);
      if (!match) return undefined;
      const offset = Number(match[1]);
      const given = Buffer.from(match[2], 'base64url');
      return given.length === 16 && timingSafeEqual(given, mac(offset, searchKey)) ? offset : undefined;
    },
  };
}

/** One page of `records` and the cursor of the next page (`null` on the last page). */
export function pageOf<T>(records: readonly T[], offset: number, pageSize: number, cursors: PageCursors, searchKey: string): { page: T[]; next: string | null } {
  const end = offset + pageSize;
  return { page: records.slice(offset, end), next: end < records.length ? cursors.issue(end, searchKey) : null };
}
