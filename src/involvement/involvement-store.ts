import { randomUUID } from 'node:crypto';
import type { Prisma } from '../db/generated/client.ts';
import type { SubjectProtector } from '../crypto/subject-protection.ts';
import type { NewHousehold } from './involvement-input.ts';
import { activeInvolvementOf, isoDate } from './standing-loader.ts';

/**
 * The involvement mutations' writes, each on the transaction client of changeWithAccessRecord
 * (src/audit/audited-change.ts): a change is stored together with its access record, or not at all.
 */

/** Who makes the change: the professional and their organisation, from the verified token. */
export interface Actor {
  subject: string;
  organisationId: string;
}

export interface InvolvementKey {
  householdId: string;
  organisationId: string;
  purpose: string;
}

/**
 * Registers an active involvement from today, unless the organisation already has one with this
 * household for this purpose (then nothing changes). Returns whether it was already there.
 */
export async function registerInvolvement(tx: Prisma.TransactionClient, key: InvolvementKey, actor: Actor, now: Date): Promise<{ alreadyInvolved: boolean }> {
  const existing = await tx.involvement.findFirst({
    where: { householdId: key.householdId, ...activeInvolvementOf(key.organisationId, key.purpose, now) },
    select: { id: true },
  });
  if (existing) return { alreadyInvolved: true };
  // Another gateway process may register the same involvement at this moment (both checked above and
  // found none): the database's one-open-involvement index lets one insert win, and the other changes nothing.
  const { count } = await tx.involvement.createMany({
    data: [{
      householdId: key.householdId,
      organisationId: key.organisationId,
      purpose: key.purpose,
      since: isoDate(now),
      registeredBy: actor.subject,
      registeredByOrganisationId: actor.organisationId,
      registeredAt: now,
    }],
    skipDuplicates: true,
  });
  return { alreadyInvolved: count === 0 };
}

/** Ends the organisation's active involvement(s) with the household for this purpose now. Returns how many. */
export async function endInvolvement(tx: Prisma.TransactionClient, key: InvolvementKey, actor: Actor, reason: string | null, now: Date): Promise<number> {
  const { count } = await tx.involvement.updateMany({
    where: { householdId: key.householdId, ...activeInvolvementOf(key.organisationId, key.purpose, now) },
    data: { endsAt: now, endedBy: actor.subject, endedByOrganisationId: actor.organisationId, endReason: reason },
  });
  return count;
}

/**
 * A household the hub did not know, with its first resident, whose regisseur is the registering
 * organisation. The BSN is stored only as its keyed hash (to find) and encrypted (for the partners), as
 * src/db/seed.ts does. Returns the new household's id.
 */
export async function createHousehold(tx: Prisma.TransactionClient, protector: SubjectProtector, household: NewHousehold, actor: Actor): Promise<string> {
  const id = `hh-${randomUUID()}`;
  const { address, resident } = household;
  await tx.household.create({
    data: {
      id,
      street: address.street,
      houseNumber: address.houseNumber,
      houseNumberSuffix: address.houseNumberSuffix,
      postcode: address.postcode,
      city: address.city,
      regisseurOrgId: actor.organisationId,
      members: {
        create: {
          id: `p-${randomUUID()}`,
          bsnHash: protector.lookupKey(resident.bsn),
          bsnEncrypted: protector.encrypt(resident.bsn),
          givenName: resident.givenName,
          familyName: resident.familyName,
          birthDate: resident.birthDate,
        },
      },
    },
  });
  return id;
}

/** Whether the organisation has an active involvement with the household for this purpose (outside a change). */
export async function hasActiveInvolvement(db: Prisma.TransactionClient, key: InvolvementKey, now: Date): Promise<boolean> {
  return (await db.involvement.count({ where: { householdId: key.householdId, ...activeInvolvementOf(key.organisationId, key.purpose, now) } })) > 0;
}
