import type { PrismaClient } from '../db/generated/client.ts';

/** Where the hub's register of processing activities (verwerkingsregister) lives as URIs. */
export const PROCESSING_ACTIVITY_BASE = 'https://ontschot.example/verwerkingsactiviteiten';

export function processingActivityUri(purpose: string, version: number): string {
  return `${PROCESSING_ACTIVITY_BASE}/${encodeURIComponent(purpose)}/v${version}`;
}

/** The current register entry per purpose: purpose → URI of its latest version. */
export type ProcessingActivityRegister = ReadonlyMap<string, string>;

/**
 * Brings the register in step with the purposes of the policy file: a purpose without an entry gets
 * version 1, a purpose whose description changed gets a new version; old versions stay, because access
 * records point at the version that was in force. Safe when two gateways start at once: the unique
 * (purpose, version) lets one of them win and both read the same result.
 */
export async function syncProcessingActivities(prisma: PrismaClient, purposes: ReadonlyMap<string, string>): Promise<ProcessingActivityRegister> {
  const latest = async () => {
    const rows = await prisma.processingActivity.findMany({ orderBy: { version: 'asc' } });
    return new Map(rows.map((row) => [row.purpose, row]));
  };
  const current = await latest();
  const changes = [...purposes]
    .filter(([purpose, description]) => current.get(purpose)?.description !== description)
    .map(([purpose, description]) => {
      const version = (current.get(purpose)?.version ?? 0) + 1;
      return { purpose, version, description, uri: processingActivityUri(purpose, version) };
    });
  if (changes.length > 0) await prisma.processingActivity.createMany({ data: changes, skipDuplicates: true });
  const synced = changes.length > 0 ? await latest() : current;
  return new Map([...synced].filter(([purpose]) => purposes.has(purpose)).map(([purpose, row]) => [purpose, row.uri]));
}
