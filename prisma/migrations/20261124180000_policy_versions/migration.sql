-- The versions of the policy file the hub has run with (issue 12: the privacy officer's console compares
-- them). One row per distinct text, by its SHA-256; every start of the hub records its version and sets
-- last_run_at (src/policy-report/policy-versions.ts). The text is the policy, never personal data.

-- CreateTable
CREATE TABLE "policy_version" (
    "id" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "first_run_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_run_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policy_version_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "policy_version_sha256_key" ON "policy_version"("sha256");
