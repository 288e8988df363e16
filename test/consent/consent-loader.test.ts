import { describe, expect, it } from 'vitest';
import { ConsentLoader } from '../../src/consent/consent-loader.ts';
import type { ConsentRecord } from '../../src/consent/consent-record.ts';
import type { PrismaClient } from '../../src/db/generated/client.ts';

/**
 * The consent loader keeps what the standing statement primed it with, for decisions to take at once.
 * What it answers there must be what `load` would answer: the first value a key got, until cleared.
 */
const past = new Date(Date.now() - 86_400_000);

function record(id: string, subjectKey: string): ConsentRecord {
  return { id, subjectKey, category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning', validFrom: past, validUntil: null, withdrawnAt: null, confirmedAt: past };
}

/** A loader over a table of records, noting the keys it had to read. */
function loader(table: ConsentRecord[]) {
  const read: string[] = [];
  const prisma = {
    consent: {
      findMany: async ({ where }: { where: { subjectKey: { in: string[] } } }) => {
        read.push(...where.subjectKey.in);
        return table.filter((row) => where.subjectKey.in.includes(row.subjectKey));
      },
    },
  } as unknown as PrismaClient;
  return { consents: new ConsentLoader(prisma), read };
}

describe('the consent loader', () => {
  it('answers primed records (or the primed failure) at once and through load, without reading them', async () => {
    const { consents, read } = loader([]);
    const records = [record('c-1', 'key-a')];
    const failure = new Error('lock timeout');
    consents.prime('key-a', records).prime('key-b', failure);
    expect(consents.primed('key-a')).toBe(records);
    expect(consents.primed('key-b')).toBe(failure);
    expect(await consents.load('key-a')).toBe(records);
    await expect(consents.load('key-b')).rejects.toThrow('lock timeout');
    expect(read).toEqual([]);
  });

  it('knows nothing at once of a key it read itself, and keeps the first value a key got, as DataLoader does', async () => {
    const { consents, read } = loader([record('c-db', 'key-a')]);
    expect(consents.primed('key-a')).toBeUndefined();
    const loaded = await consents.load('key-a');
    consents.prime('key-a', []);
    expect(consents.primed('key-a')).toBeUndefined();
    expect(await consents.load('key-a')).toBe(loaded);
    consents.prime('key-b', [record('c-1', 'key-b')]);
    consents.prime('key-b', []);
    expect(consents.primed('key-b')).toEqual([record('c-1', 'key-b')]);
    expect(read).toEqual(['key-a']);
  });

  it('forgets what was primed when cleared, so a later prime or read counts', async () => {
    const { consents, read } = loader([record('c-db', 'key-a')]);
    consents.prime('key-a', []).prime('key-b', []);
    consents.clear('key-a');
    expect(consents.primed('key-a')).toBeUndefined();
    expect(consents.primed('key-b')).toEqual([]);
    expect(await consents.load('key-a')).toEqual([record('c-db', 'key-a')]);
    consents.clearAll();
    expect(consents.primed('key-b')).toBeUndefined();
    const fresh = [record('c-2', 'key-b')];
    consents.prime('key-b', fresh);
    expect(consents.primed('key-b')).toBe(fresh);
    expect(read).toEqual(['key-a']);
  });
});
