-- Every read of the case registration counts, found or not (issue: an access log no query can escape).
--
-- subject_kind says what subject_key/subject_encrypted identify: PERSON (a person of the case
-- registration, as before), or the protected key of a look-up that found nobody: BSN, ADDRESS,
-- HOUSEHOLD_ID, PERSON_ID, CONSENT_ID, or SEARCH (a privacy officer's search that returned no record).
-- lookups lists the look-up fields (Query.personByBsn, Query.accessRecords, ...) that led to this subject.
-- Both default to what every earlier row was, so earlier rows keep verifying (src/audit/record-hash.ts).

-- AlterTable
ALTER TABLE "audit_record" ADD COLUMN     "subject_kind" TEXT NOT NULL DEFAULT 'PERSON',
ADD COLUMN     "lookups" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "audit_record_subject_kind_idx" ON "audit_record"("subject_kind");
