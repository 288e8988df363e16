-- Honest consent: a withdrawal made on the resident's behalf by a professional who is neither the
-- consent's grantee nor its recorder keeps the evidence of the resident's request (how, and where).

-- AlterTable
ALTER TABLE "consent" ADD COLUMN     "withdrawal_evidence_method" TEXT,
ADD COLUMN     "withdrawal_evidence_reference" TEXT;
