/**
 * Seeds the demo population (src/demo/population.ts) into the hub's database. Idempotent: rows are
 * upserted by id, and the rows without a natural id (involvement, consent) get deterministic UUIDs.
 * BSNs are stored only as a keyed hash and an encrypted copy, never in clear text.
 */
import { createHash } from 'node:crypto';
import type { SubjectProtector } from '../crypto/subject-protection.ts';
import { DEMO_CONSENTS, DEMO_HOUSEHOLDS, type DemoConsent, type DemoHousehold } from '../demo/population.ts';
import type { PrismaClient } from './generated/client.ts';
import { findOrganisation } from '../domain/organisations.ts';

/** The purpose a demo organisation is involved for, unless the population names one. */
function usualPurposeOf(organisationId: string): string {
  return findOrganisation(organisationId)?.kind === 'WIJKTEAM' ? 'wijkteam-ondersteuning' : 'vroegsignalering-schulden';
}

export interface SeedCounts {
  households: number;
  people: number;
  consents: number;
}

// A fixed namespace so the same demo row always gets the same id (RFC 4122 name-based, version 5).
const SEED_NAMESPACE = '6f6e7473-6368-4f74-9b2d-64656d6f0000';

export function deterministicUuid(name: string): string {
  const namespace = Buffer.from(SEED_NAMESPACE.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(namespace).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whom a seed writes: the demo population by default; bench/ adds a larger generated one. */
export interface SeedPopulation {
  households: readonly DemoHousehold[];
  consents: readonly DemoConsent[];
}

/** Returns how many households, people and consents of the population are now present (not how many were new). */
export async function seedDemoData(prisma: PrismaClient, protector: SubjectProtector, population: SeedPopulation = { households: DEMO_HOUSEHOLDS, consents: DEMO_CONSENTS }): Promise<SeedCounts> {
  const counts: SeedCounts = { households: 0, people: 0, consents: 0 };

  await prisma.$transaction(async (tx) => {
    for (const household of population.households) {
      const fields = {
        street: household.address.street,
        houseNumber: household.address.houseNumber,
        houseNumberSuffix: household.address.houseNumberSuffix ?? null,
        postcode: household.address.postcode,
        city: household.address.city,
        regisseurName: household.regisseur.name,
        regisseurPhone: household.regisseur.phone,
        regisseurOrgId: household.regisseur.organisationId,
      };
      await tx.household.upsert({ where: { id: household.id }, create: { id: household.id, ...fields }, update: fields });
      counts.households++;

      for (const involvement of household.involvement) {
        const id = deterministicUuid(`involvement|${household.id}|${involvement.organisationId}`);
        const data = {
          householdId: household.id,
          organisationId: involvement.organisationId,
          since: involvement.since,
          purpose: involvement.purpose ?? usualPurposeOf(involvement.organisationId),
          endsAt: involvement.endsAt ? new Date(involvement.endsAt) : null,
          registeredBy: 'demo-seed',
          registeredByOrganisationId: household.regisseur.organisationId,
        };
        // An involvement registered or ended while the demo runs must survive a re-seed: only rows from before
        // involvements had a purpose (registered_by 'seed', the migration's default) are filled in. An open
        // involvement registered while the demo ran takes the place of the demo's own (one open per purpose).
        await tx.involvement.createMany({ data: [{ id, ...data }], skipDuplicates: true });
        await tx.involvement.updateMany({ where: { id, registeredBy: 'seed' }, data });
      }

      for (const person of household.members) {
        // Re-encrypting on update is harmless (fresh IV) and follows a key change together with bsnHash.
        const data = {
          householdId: household.id,
          bsnHash: protector.lookupKey(person.bsn),
          bsnEncrypted: protector.encrypt(person.bsn),
          givenName: person.givenName,
          familyName: person.familyName,
          birthDate: person.birthDate,
        };
        await tx.person.upsert({ where: { id: person.id }, create: { id: person.id, ...data }, update: data });
        counts.people++;
      }
    }

    for (const consent of population.consents) {
      const subjectKey = protector.lookupKey(consent.subjectBsn);
      const id = deterministicUuid(
        `consent|${subjectKey}|${consent.category}|${consent.granteeOrganisationId}|${consent.purpose}|${consent.validFrom}`,
      );
      // Only the encrypted BSN and the recording organisation are updated (they fill in rows seeded before
      // those columns existed): a withdrawal recorded while the demo runs must survive a re-seed.
      const filledIn = { subjectEncrypted: protector.encrypt(consent.subjectBsn), recordedByOrganisationId: consent.recordedByOrganisationId };
      await tx.consent.upsert({
        where: { id },
        update: filledIn,
        create: {
          id,
          subjectKey,
          ...filledIn,
          category: consent.category,
          granteeOrganisationId: consent.granteeOrganisationId,
          purpose: consent.purpose,
          validFrom: new Date(consent.validFrom),
          validUntil: consent.validUntil ? new Date(consent.validUntil) : null,
          withdrawnAt: consent.withdrawnAt ? new Date(consent.withdrawnAt) : null,
          evidenceMethod: consent.evidence.method,
          evidenceReference: consent.evidence.reference,
          recordedBy: consent.recordedBy,
          // Demo consents were confirmed by a second professional of the wijkteam when recorded.
          confirmedAt: new Date(consent.validFrom),
          confirmedBy: 'demo-seed',
          confirmedByOrganisationId: consent.granteeOrganisationId,
        },
      });
      counts.consents++;
    }
  }, { timeout: 60_000, maxWait: 30_000 });

  return counts;
}
