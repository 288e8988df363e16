import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createLocalJWKSet } from 'jose';
import { JSONResolver } from 'graphql-scalars';
import { operationNameOf } from '../audit/audited-change.ts';
import type { RequestContext } from '../request/request-context.ts';
import { badUserInput } from '../request/user-input.ts';
import { type RecordConsentInput } from './consent-input.ts';
import { consentsOfSubject, findConsent, findPersonByBsn, type ConsentRow } from './consent-store.ts';
import { checkConsentReceipt } from './consent-receipt.ts';
import { toFhirConsent } from './consent-fhir.ts';
import { consentStatus } from './consent-record.ts';
import { recordConsentAccess, recordReceiptCheck } from './consent-access-log.ts';
import { consentStandingOf, mayKnowOfConsent } from './consent-visibility.ts';
import { recordConsent } from './consent-recording.ts';
import { confirmConsent } from './consent-confirmation.ts';
import { withdrawConsent, type WithdrawConsentArgs } from './consent-withdrawal.ts';
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
        // Need to know: a caller whose organisation is not involved with the person's household (and who
        // holds no break-the-glass grant for it) hears what they would hear for an unknown BSN, and the
        // attempt is still recorded. A special-category consent is shown only to its grantee organisation.
        consentsOf: async (_root, { bsn }: { bsn: string }, ctx) => {
          if (!isValidBsn(bsn)) throw badUserInput('bsn', 'invalid BSN: it must be 9 digits and pass the elfproef');
          const person = await findPersonByBsn(ctx.prisma, ctx.protector, bsn);
          await recordConsentAccess(ctx, 'Query.consentsOf', person, bsn);
          const standing = await consentStandingOf(ctx, person?.householdId);
          if (!person || standing === 'none') return [];
          const consents = await consentsOfSubject(ctx.prisma, person.bsnHash);
          return consents.filter((consent) => mayKnowOfConsent(ctx.policies, ctx.caller, standing, consent));
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
        recordConsent: (_root, { input }: { input: RecordConsentInput }, ctx, info) => recordConsent(ctx, input, operationNameOf(info)),
        confirmConsent: (_root, { id }: { id: string }, ctx, info) => confirmConsent(ctx, id, operationNameOf(info)),
        withdrawConsent: (_root, args: WithdrawConsentArgs, ctx, info) => withdrawConsent(ctx, args, operationNameOf(info)),
      },
      Consent: {
        status: (consent: ConsentRow) => consentStatus(consent, new Date()),
        validFrom: (consent: ConsentRow) => iso(consent.validFrom),
        validUntil: (consent: ConsentRow) => iso(consent.validUntil),
        recordedAt: (consent: ConsentRow) => iso(consent.recordedAt),
        withdrawnAt: (consent: ConsentRow) => iso(consent.withdrawnAt),
        confirmedAt: (consent: ConsentRow) => iso(consent.confirmedAt),
        fhir: (consent: ConsentRow, _args, ctx) =>
          toFhirConsent(consent, consent.subjectEncrypted ? ctx.protector.decrypt(consent.subjectEncrypted) : null, ctx.policies),
      },
    },
  });
}

function actorOf(ctx: RequestContext) {
  return { subject: ctx.caller.subject, organisationId: ctx.caller.organisationId };
}
