-- CreateTable
CREATE TABLE "household" (
    "id" TEXT NOT NULL,
    "street" TEXT NOT NULL,
    "house_number" INTEGER NOT NULL,
    "house_number_suffix" TEXT,
    "postcode" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "regisseur_name" TEXT,
    "regisseur_phone" TEXT,
    "regisseur_org_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "household_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "person" (
    "id" TEXT NOT NULL,
    "household_id" TEXT NOT NULL,
    "bsn_hash" TEXT NOT NULL,
    "bsn_encrypted" TEXT NOT NULL,
    "given_name" TEXT NOT NULL,
    "family_name" TEXT NOT NULL,
    "birth_date" TEXT NOT NULL,

    CONSTRAINT "person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "involvement" (
    "id" TEXT NOT NULL,
    "household_id" TEXT NOT NULL,
    "organisation_id" TEXT NOT NULL,
    "since" TEXT NOT NULL,

    CONSTRAINT "involvement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent" (
    "id" TEXT NOT NULL,
    "subject_key" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "grantee_organisation_id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "valid_from" TIMESTAMP(3) NOT NULL,
    "valid_until" TIMESTAMP(3),
    "withdrawn_at" TIMESTAMP(3),
    "evidence_method" TEXT NOT NULL,
    "evidence_reference" TEXT NOT NULL,
    "recorded_by" TEXT NOT NULL,
    "recorded_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_record" (
    "id" TEXT NOT NULL,
    "trace_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "operation_name" TEXT,
    "professional" TEXT NOT NULL,
    "organisation_id" TEXT NOT NULL,
    "roles" TEXT[],
    "purpose" TEXT NOT NULL,
    "subject_key" TEXT NOT NULL,
    "subject_encrypted" TEXT NOT NULL,
    "fields_released" TEXT[],
    "fields_withheld" TEXT[],

    CONSTRAINT "audit_record_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "household_postcode_house_number_idx" ON "household"("postcode", "house_number");

-- CreateIndex
CREATE UNIQUE INDEX "person_bsn_hash_key" ON "person"("bsn_hash");

-- CreateIndex
CREATE INDEX "person_household_id_idx" ON "person"("household_id");

-- CreateIndex
CREATE INDEX "involvement_household_id_idx" ON "involvement"("household_id");

-- CreateIndex
CREATE INDEX "consent_subject_key_idx" ON "consent"("subject_key");

-- CreateIndex
CREATE INDEX "audit_record_subject_key_idx" ON "audit_record"("subject_key");

-- CreateIndex
CREATE INDEX "audit_record_trace_id_idx" ON "audit_record"("trace_id");

-- AddForeignKey
ALTER TABLE "person" ADD CONSTRAINT "person_household_id_fkey" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "involvement" ADD CONSTRAINT "involvement_household_id_fkey" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE CASCADE ON UPDATE CASCADE;
