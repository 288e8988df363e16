-- Need to know (issue: access follows the care relationship, with break-the-glass and honest consent).
--
-- involvement: the purpose it is for, when it ends, who registered and who ended it. Rows from before
-- get purpose wijkteam-ondersteuning and registered_by 'seed' (the demo seed sets the real values).
-- break_glass_grant: an emergency access of one professional to one household, with its review.
-- consent: four eyes for special categories; earlier consents count as confirmed when recorded.
-- audit_record.break_glass_grant_id: the grant an access was made under (hashed only when set).

-- AlterTable
ALTER TABLE "involvement" ADD COLUMN     "purpose" TEXT NOT NULL DEFAULT 'wijkteam-ondersteuning',
ADD COLUMN     "ends_at" TIMESTAMP(3),
ADD COLUMN     "registered_by" TEXT NOT NULL DEFAULT 'seed',
ADD COLUMN     "registered_by_organisation_id" TEXT,
ADD COLUMN     "registered_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "ended_by" TEXT,
ADD COLUMN     "ended_by_organisation_id" TEXT,
ADD COLUMN     "end_reason" TEXT;

-- CreateIndex
CREATE INDEX "involvement_organisation_id_household_id_idx" ON "involvement"("organisation_id", "household_id");

-- CreateTable
CREATE TABLE "break_glass_grant" (
    "id" TEXT NOT NULL,
    "household_id" TEXT NOT NULL,
    "professional" TEXT NOT NULL,
    "organisation_id" TEXT NOT NULL,
    "roles" TEXT[],
    "purpose" TEXT NOT NULL,
    "reason_code" TEXT NOT NULL,
    "justification" TEXT NOT NULL,
    "granted_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "review_status" TEXT NOT NULL DEFAULT 'OPEN',
    "reviewed_by" TEXT,
    "reviewed_by_organisation_id" TEXT,
    "reviewed_at" TIMESTAMP(3),
    "review_note" TEXT,

    CONSTRAINT "break_glass_grant_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "break_glass_grant_household_id_professional_organisation_id_idx" ON "break_glass_grant"("household_id", "professional", "organisation_id");

-- CreateIndex
CREATE INDEX "break_glass_grant_review_status_idx" ON "break_glass_grant"("review_status");

-- AddForeignKey
ALTER TABLE "break_glass_grant" ADD CONSTRAINT "break_glass_grant_household_id_fkey" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "consent" ADD COLUMN     "confirmed_at" TIMESTAMP(3),
ADD COLUMN     "confirmed_by" TEXT,
ADD COLUMN     "confirmed_by_organisation_id" TEXT;

UPDATE "consent" SET "confirmed_at" = "recorded_at";

-- AlterTable
ALTER TABLE "audit_record" ADD COLUMN     "break_glass_grant_id" TEXT;

-- CreateIndex
CREATE INDEX "audit_record_break_glass_grant_id_idx" ON "audit_record"("break_glass_grant_id");
