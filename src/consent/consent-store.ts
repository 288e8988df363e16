import type { Consent, Prisma, PrismaClient } from '../db/generated/client.ts';
import type { SubjectProtector } from '../crypto/subject-protection.ts';
import type { OnBehalfOfResidentInput, ValidConsent } from './consent-input.ts';

/** A stored consent row (prisma/schema.prisma, model Consent). */
export type ConsentRow = Consent;

/** The client, or an open transaction: changes run in the transaction that also writes their access record. */
export type ConsentDb = PrismaClient | Prisma.TransactionClient;

/** Who recorded or withdrew a consent: the professional of the request and their organisation. */
export interface Actor {
  subject: string;
  organisationId: string;
}

/** A person of the case registration, as the consent resolvers need them: who, and in which household. */
export interface RegisteredPerson {
  id: string;
  bsnHash: string;
  householdId: string;
}

/** The person the hub knows by this BSN (looked up by keyed hash), or null. */
export async function findPersonByBsn(prisma: PrismaClient, protector: SubjectProtector, bsn: string): Promise<RegisteredPerson | null> {
  return findPersonByKey(prisma, protector.lookupKey(bsn));
}

/** The person a consent is of (by the consent's subject key), or null when the registration no longer knows them. */
export async function findPersonByKey(prisma: PrismaClient, subjectKey: string): Promise<RegisteredPerson | null> {
  return prisma.person.findUnique({ where: { bsnHash: subjectKey }, select: { id: true, bsnHash: true, householdId: true } });
}

/**
 * Stores a consent. The BSN only as look-up key and AES-GCM ciphertext, never in clear text.
 * `needsConfirmation` (a special category): stored unconfirmed, so never active until a second
 * professional confirms it; otherwise confirmed by the recording itself (confirmedBy null).
 */
export async function insertConsent(prisma: ConsentDb, protector: SubjectProtector, consent: ValidConsent, recordedBy: Actor, needsConfirmation: boolean, at: Date): Promise<ConsentRow> {
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
      recordedAt: at,
      confirmedAt: needsConfirmation ? null : at,
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
export async function markWithdrawn(prisma: ConsentDb, id: string, by: Actor, reason: string | null, at: Date, onBehalfOfResident?: OnBehalfOfResidentInput): Promise<ConsentRow | null> {
  const { count } = await prisma.consent.updateMany({
    where: { id, withdrawnAt: null },
    data: {
      withdrawnAt: at, withdrawnBy: by.subject, withdrawnByOrganisationId: by.organisationId, withdrawalReason: reason,
      withdrawalEvidenceMethod: onBehalfOfResident?.evidenceMethod ?? null, withdrawalEvidenceReference: onBehalfOfResident?.evidenceReference ?? null,
    },
  });
  return count === 1 ? findConsent(prisma, id) : null;
}

/**
 * Confirms a pending consent, once: only while it is unconfirmed and not withdrawn, so a confirmation
 * racing another confirmation or a withdrawal changes nothing. Returns the updated row, or null.
 */
export async function markConfirmed(prisma: ConsentDb, id: string, by: Actor, at: Date): Promise<ConsentRow | null> {
  const { count } = await prisma.consent.updateMany({
    where: { id, confirmedAt: null, withdrawnAt: null, granteeOrganisationId: by.organisationId, recordedBy: { not: by.subject } },
    data: { confirmedAt: at, confirmedBy: by.subject, confirmedByOrganisationId: by.organisationId },
  });
  return count === 1 ? findConsent(prisma, id) : null;
}
