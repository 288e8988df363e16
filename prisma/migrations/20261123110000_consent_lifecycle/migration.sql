-- Consent lifecycle: who gave the consent, which organisation recorded it, who withdrew it and why,
-- and the BSN encrypted so that the FHIR export can name the patient.
-- subject_encrypted and recorded_by_organisation_id are nullable: rows recorded before this migration
-- cannot be encrypted in SQL; the demo seed fills them in.

-- AlterTable
ALTER TABLE "consent" ADD COLUMN     "subject_encrypted" TEXT,
ADD COLUMN     "given_by" TEXT NOT NULL DEFAULT 'DATA_SUBJECT',
ADD COLUMN     "representative_name" TEXT,
ADD COLUMN     "recorded_by_organisation_id" TEXT,
ADD COLUMN     "withdrawn_by" TEXT,
ADD COLUMN     "withdrawn_by_organisation_id" TEXT,
ADD COLUMN     "withdrawal_reason" TEXT;
