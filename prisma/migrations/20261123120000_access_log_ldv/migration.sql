-- Access log per Logboek Dataverwerkingen (LDV) and NEN 7513: LDV span fields, the basis per released
-- field, a hash chain for tamper evidence, signed purge checkpoints and the register of processing
-- activities.
--
-- Rows written before this migration cannot be hash-chained in SQL (the canonical serialisation is the
-- hub's, src/audit/record-hash.ts): they go into chain 'legacy' with NULL hashes, and `audit:verify`
-- reports them as unverifiable. Their span id, processing activity and per-field bases were never
-- recorded and stay NULL; status 'UNSET' is the OpenTelemetry/LDV code for "not recorded".

-- AlterTable
ALTER TABLE "audit_record" RENAME COLUMN "operation_name" TO "name";
UPDATE "audit_record" SET "name" = 'query' WHERE "name" IS NULL;
ALTER TABLE "audit_record" ALTER COLUMN "name" SET NOT NULL;

ALTER TABLE "audit_record" ADD COLUMN     "span_id" TEXT,
ADD COLUMN     "parent_span_id" TEXT,
ADD COLUMN     "status_code" TEXT NOT NULL DEFAULT 'UNSET',
ADD COLUMN     "start_time" TIMESTAMP(3),
ADD COLUMN     "end_time" TIMESTAMP(3),
ADD COLUMN     "foreign_operation" JSONB,
ADD COLUMN     "resource" JSONB NOT NULL DEFAULT '{"service.name":"ontschot-gateway","service.version":"0.1.0"}',
ADD COLUMN     "processing_activity_id" TEXT,
ADD COLUMN     "field_bases" JSONB,
ADD COLUMN     "chain_id" TEXT NOT NULL DEFAULT 'legacy',
ADD COLUMN     "chain_seq" INTEGER,
ADD COLUMN     "prev_hash" TEXT,
ADD COLUMN     "record_hash" TEXT;

UPDATE "audit_record" SET "start_time" = "occurred_at", "end_time" = "occurred_at";
UPDATE "audit_record" AS r SET "chain_seq" = n.seq
FROM (SELECT "id", row_number() OVER (ORDER BY "occurred_at", "id")::INTEGER AS seq FROM "audit_record") AS n
WHERE r."id" = n."id";

-- The defaults above only fill the existing rows; the hub sets every value itself.
ALTER TABLE "audit_record" ALTER COLUMN "status_code" DROP DEFAULT,
ALTER COLUMN "start_time" SET NOT NULL,
ALTER COLUMN "end_time" SET NOT NULL,
ALTER COLUMN "resource" DROP DEFAULT,
ALTER COLUMN "chain_id" DROP DEFAULT,
ALTER COLUMN "chain_seq" SET NOT NULL;

-- CreateTable
CREATE TABLE "audit_checkpoint" (
    "id" TEXT NOT NULL,
    "chain_id" TEXT NOT NULL,
    "last_seq" INTEGER NOT NULL,
    "signed" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_checkpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processing_activity" (
    "id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "description" TEXT NOT NULL,
    "uri" TEXT NOT NULL,
    "valid_from" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processing_activity_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_record_chain_id_chain_seq_key" ON "audit_record"("chain_id", "chain_seq");

-- CreateIndex
CREATE INDEX "audit_record_professional_idx" ON "audit_record"("professional");

-- CreateIndex
CREATE INDEX "audit_record_organisation_id_idx" ON "audit_record"("organisation_id");

-- CreateIndex
CREATE INDEX "audit_record_end_time_idx" ON "audit_record"("end_time");

-- CreateIndex
CREATE UNIQUE INDEX "audit_checkpoint_chain_id_last_seq_key" ON "audit_checkpoint"("chain_id", "last_seq");

-- CreateIndex
CREATE UNIQUE INDEX "processing_activity_purpose_version_key" ON "processing_activity"("purpose", "version");

-- CreateIndex
CREATE UNIQUE INDEX "processing_activity_uri_key" ON "processing_activity"("uri");
