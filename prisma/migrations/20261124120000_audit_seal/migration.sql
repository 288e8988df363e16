-- Sealed heads of the access-log hash chains: each gateway signs "chain X stood at seq N with hash H at
-- time T" with the hub key, at an interval and at shutdown (src/audit/chain-sealer.ts). audit:verify
-- checks every chain against its newest seal, so deleting the newest records of a chain is detected.
-- The gateway also writes each seal outside the database (AUDIT_SEAL_FILE, and its log stream).

-- CreateTable
CREATE TABLE "audit_seal" (
    "id" TEXT NOT NULL,
    "chain_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "signed" TEXT NOT NULL,
    "sealed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_seal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_seal_chain_id_seq_key" ON "audit_seal"("chain_id", "seq");
