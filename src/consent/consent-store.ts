import type { Consent, Prisma, PrismaClient } from '../db/generated/client.ts';
import type { SubjectProtector } from '../crypto/subject-protection.ts';
import type { ValidConsent } from './consent-input.ts';

/** A stored consent row (prisma/schema.prisma, model Consent). */
export type ConsentRow = Consent;

/** The client, or an open transaction: changes run in the transaction that also writes their access record. */
export type ConsentDb = PrismaClient | Prisma.TransactionClient;

/** Who recorded or withdrew a consent: the professional of the request and their organisation. */
export interface Actor {
  subject: string;
  organisationId: string;
}

/** The person the hub knows by this BSN (looked up by keyed hash), or null. */
export async function findPersonByBsn(prisma: PrismaClient, protector: SubjectProtector, bsn: string) {
  return prisma.person.findUnique({ where: { bsnHash: protector.lookupKey(bsn) }, select: { id: true, bsnHash: true } });
}

/** Stores a consent. The BSN only as look-up key and AES-GCM ciphertext, never in clear text. */
export async function insertConsent(prisma: ConsentDb, protector: SubjectProtector, consent: ValidConsent, recordedBy: Actor): Promise<ConsentRow> {
  return prisma.consent.create({
    data: {
      subjectKey: protector.lookupKey(consent.bsn),
      subjectEncrypted: protector.encrypt(consent.bsn),
      category: consent.category,
      granteeOrganisationId: consent.granteeOrganisationId,
      purpose: consent.purpose,
      validFrom: consent.validFrom,
      validUntil: consent.validUntil,
      givenBy: consent.givenBy,
      representativeName: consent.representativeName,
      evidenceMethod: consent.evidenceMethod,
      evidenceReference: consent.evidenceReference,
      recordedBy: recordedBy.subject,
      recordedByOrganisationId: recordedBy.organisationId,
    },
  });
}

export async function findConsent(prisma: ConsentDb, id: string): Promise<ConsentRow | null> {
  return prisma.consent.findUnique({ where: { id } });
}

export async function consentsOfSubject(prisma: PrismaClient, subjectKey: string): Promise<ConsentRow[]> {
  return prisma.consent.findMany({ where: { subjectKey }, orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }] });
}

/**
 * Marks a consent withdrawn, once: the condition on `withdrawnAt` makes two simultaneous withdrawals
 * record only the first. Returns the updated row, or null when there was nothing (left) to withdraw.
 */
export async function markWithdrawn(prisma: ConsentDb, id: string, by: Actor, reason: string | null, at: Date): Promise<ConsentRow | null> {
  const { count } = await prisma.consent.updateMany({
    where: { id, withdrawnAt: null },
    data: { withdrawnAt: at, withdrawnBy: by.subject, withdrawnByOrganisationId: by.organisationId, withdrawalReason: reason },
  });
  return count === 1 ? findConsent(prisma, id) : null;
}
