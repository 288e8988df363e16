import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createLocalJWKSet } from 'jose';
import { JSONResolver } from 'graphql-scalars';
import type { RequestContext } from '../request/request-context.ts';
import { badUserInput, type RecordConsentInput, validateRecordConsentInput, validateWithdrawalReason } from './consent-input.ts';
import { consentsOfSubject, findConsent, findPersonByBsn, insertConsent, markWithdrawn, type ConsentRow } from './consent-store.ts';
import { checkConsentReceipt, signConsentReceipt } from './consent-receipt.ts';
import { toFhirConsent } from './consent-fhir.ts';
import { consentStatus } from './consent-record.ts';
import { recordConsentAccess, recordReceiptCheck } from './consent-access-log.ts';
import { isValidBsn } from '../domain/bsn.ts';

const CONSENT_SDL = readFileSync(new URL('../../schema/consent.graphql', import.meta.url), 'utf8');

const iso = (moment: Date | null) => moment?.toISOString() ?? null;

/** The consent lifecycle as a local subschema of the gateway (registered in src/gateway/local-subschemas.ts). */
export function createConsentSubschema() {
  return makeExecutableSchema<RequestContext>({
    typeDefs: CONSENT_SDL,
    resolvers: {
      JSON: JSONResolver,
      Query: {
        consentsOf: async (_root, { bsn }: { bsn: string }, ctx) => {
          if (!isValidBsn(bsn)) throw badUserInput('bsn', 'invalid BSN: it must be 9 digits and pass the elfproef');
          const person = await findPersonByBsn(ctx.prisma, ctx.protector, bsn);
          await recordConsentAccess(ctx, 'Query.consentsOf', person, bsn);
          return consentsOfSubject(ctx.prisma, ctx.protector.lookupKey(bsn));
        },
        verifyConsentReceipt: async (_root, { receipt }: { receipt: string }, ctx) => {
          const check = await checkConsentReceipt(receipt, createLocalJWKSet(ctx.hubKey.jwks));
          // A receipt that is not the hub's names no consent we can trust: nobody's data is read.
          if (!check.genuine) return { genuine: false, reason: check.reason };
          const { consent } = check;
          const stored = await findConsent(ctx.prisma, consent.id);
          recordReceiptCheck(ctx, consent.id, stored);
          return {
            genuine: true,
            reason: stored ? null : 'The consent is no longer on record',
            consentId: consent.id,
            category: consent.category,
            granteeOrganisationId: consent.granteeOrganisationId,
            purpose: consent.purpose,
            validFrom: consent.validFrom,
            validUntil: consent.validUntil,
            status: stored ? consentStatus(stored, new Date()) : null,
          };
        },
      },
      Mutation: {
        recordConsent: async (_root, { input }: { input: RecordConsentInput }, ctx) => {
          const valid = validateRecordConsentInput(input, ctx.policies);
          const person = await findPersonByBsn(ctx.prisma, ctx.protector, valid.bsn);
          if (!person) throw badUserInput('input.bsn', 'no person with this BSN is known to the hub');
          const consent = await insertConsent(ctx.prisma, ctx.protector, valid, actorOf(ctx));
          await recordConsentAccess(ctx, 'Mutation.recordConsent', person);
          return { consent, receipt: await signConsentReceipt(ctx.hubKey, consent) };
        },
        withdrawConsent: async (_root, { id, reason }: { id: string; reason?: string | null }, ctx) => {
          const text = validateWithdrawalReason(reason);
          const withdrawn = await markWithdrawn(ctx.prisma, id, actorOf(ctx), text, new Date());
          if (!withdrawn) throw badUserInput('id', (await findConsent(ctx.prisma, id)) ? 'this consent was already withdrawn' : 'no consent with this id');
          const person = await ctx.prisma.person.findUnique({ where: { bsnHash: withdrawn.subjectKey }, select: { id: true } });
          await recordConsentAccess(ctx, 'Mutation.withdrawConsent', person);
          return withdrawn;
        },
      },
      Consent: {
        status: (consent: ConsentRow) => consentStatus(consent, new Date()),
        validFrom: (consent: ConsentRow) => iso(consent.validFrom),
        validUntil: (consent: ConsentRow) => iso(consent.validUntil),
        recordedAt: (consent: ConsentRow) => iso(consent.recordedAt),
        withdrawnAt: (consent: ConsentRow) => iso(consent.withdrawnAt),
        fhir: (consent: ConsentRow, _args, ctx) =>
          toFhirConsent(consent, consent.subjectEncrypted ? ctx.protector.decrypt(consent.subjectEncrypted) : null, ctx.policies),
      },
    },
  });
}

function actorOf(ctx: RequestContext) {
  return { subject: ctx.caller.subject, organisationId: ctx.caller.organisationId };
}
