import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLResolveInfo } from 'graphql';
import { createLocalJWKSet } from 'jose';
import { JSONResolver } from 'graphql-scalars';
import type { RequestContext } from '../request/request-context.ts';
import { badUserInput, type RecordConsentInput, validateRecordConsentInput, validateWithdrawalReason } from './consent-input.ts';
import { consentsOfSubject, findConsent, findPersonByBsn, insertConsent, markWithdrawn, type ConsentRow } from './consent-store.ts';
import { checkConsentReceipt, signConsentReceipt } from './consent-receipt.ts';
import { toFhirConsent } from './consent-fhir.ts';
import { consentStatus } from './consent-record.ts';
import { consentSubject, recordConsentAccess, recordReceiptCheck } from './consent-access-log.ts';
import { changeWithAccessRecord } from '../audit/audited-change.ts';
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
        // Each change and its access record are one transaction (src/audit/audited-change.ts): if the
        // record cannot be written, nothing changes and the answer is AUDIT_UNAVAILABLE.
        recordConsent: async (_root, { input }: { input: RecordConsentInput }, ctx, info) => {
          const valid = validateRecordConsentInput(input, ctx.policies);
          const person = await findPersonByBsn(ctx.prisma, ctx.protector, valid.bsn);
          if (!person) throw badUserInput('input.bsn', 'no person with this BSN is known to the hub');
          const access = { coordinate: 'Mutation.recordConsent', subject: { personId: person.id }, operationName: operationNameOf(info) };
          const consent = await changeWithAccessRecord(ctx, access, (tx) => insertConsent(tx, ctx.protector, valid, actorOf(ctx)));
          return { consent, receipt: await signConsentReceipt(ctx.hubKey, consent) };
        },
        withdrawConsent: async (_root, { id, reason }: { id: string; reason?: string | null }, ctx, info) => {
          const text = validateWithdrawalReason(reason);
          const existing = await findConsent(ctx.prisma, id);
          if (!existing) throw badUserInput('id', 'no consent with this id');
          const person = await ctx.prisma.person.findUnique({ where: { bsnHash: existing.subjectKey }, select: { id: true } });
          const access = { coordinate: 'Mutation.withdrawConsent', subject: person ? { personId: person.id } : { protectedSubject: consentSubject(ctx.protector, existing.id, existing) }, operationName: operationNameOf(info) };
          return changeWithAccessRecord(ctx, access, async (tx) => {
            const withdrawn = await markWithdrawn(tx, id, actorOf(ctx), text, new Date());
            if (!withdrawn) throw badUserInput('id', 'this consent was already withdrawn');
            return withdrawn;
          });
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

/** The LDV `name` of the record: the operation's name, or its type for an anonymous operation. */
function operationNameOf(info: GraphQLResolveInfo): string {
  return info.operation.name?.value ?? info.operation.operation;
}

function actorOf(ctx: RequestContext) {
  return { subject: ctx.caller.subject, organisationId: ctx.caller.organisationId };
}
