import type { PrismaClient } from '../db/generated/client.ts';
import type { Caller } from '../auth/caller.ts';
import type { HouseholdLoaders, PersonRow } from '../households/household-loaders.ts';
import type { AccessLog } from './access-log.ts';

export interface AuditContext {
  caller: Caller;
  traceId: string;
  operationName?: string;
  accessLog: AccessLog;
  households: HouseholdLoaders;
}

/**
 * Turns a request's access log into one audit record per person touched and writes them in a single
 * database round trip. Household-level fields (address, composition) count for every member. The BSN is
 * stored only as its keyed look-up hash and its encrypted form. Throws when the write fails: the caller
 * must then withhold the response (fail closed).
 */
export async function writeAuditRecords(prisma: PrismaClient, context: AuditContext): Promise<number> {
  const people = new Map<string, { person: PersonRow; released: Set<string>; withheld: Set<string> }>();
  for (const access of context.accessLog.subjects()) {
    const members = access.subject.kind === 'person'
      ? [await context.households.person.load(access.subject.id)]
      : await context.households.membersOf.load(access.subject.id);
    for (const person of members) {
      if (!person) continue;
      const entry = people.get(person.id) ?? { person, released: new Set<string>(), withheld: new Set<string>() };
      for (const coordinate of access.released.keys()) entry.released.add(coordinate);
      for (const coordinate of access.withheld.keys()) entry.withheld.add(coordinate);
      people.set(person.id, entry);
    }
  }
  if (people.size === 0) return 0;
  const { caller, traceId, operationName } = context;
  await prisma.auditRecord.createMany({
    data: [...people.values()].map(({ person, released, withheld }) => ({
      traceId,
      operationName: operationName ?? null,
      professional: caller.subject,
      organisationId: caller.organisationId,
      roles: [...caller.roles],
      purpose: caller.purpose,
      subjectKey: person.bsnHash,
      subjectEncrypted: person.bsnEncrypted,
      fieldsReleased: [...released].sort(),
      fieldsWithheld: [...withheld].sort(),
    })),
  });
  return people.size;
}
