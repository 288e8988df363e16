-- Need to know: at most one open-ended involvement per household, organisation and purpose, also when two
-- gateway processes register the same intake at the same moment (each checks first, and both would
-- insert). Prisma cannot declare a partial index, so this one lives here only (test/db/schema-drift.test.ts
-- lists it). Duplicates made before are kept, but ended at the moment they began, so the oldest one stays
-- the involvement and nothing about who may see what changes.

UPDATE "involvement" AS "later"
   SET "ends_at" = "later"."registered_at",
       "ended_by" = 'migration 20261124200000_one_open_involvement',
       "end_reason" = 'duplicate of an involvement registered earlier'
 WHERE "later"."ends_at" IS NULL
   AND EXISTS (
     SELECT 1 FROM "involvement" AS "earlier"
      WHERE "earlier"."household_id" = "later"."household_id"
        AND "earlier"."organisation_id" = "later"."organisation_id"
        AND "earlier"."purpose" = "later"."purpose"
        AND "earlier"."ends_at" IS NULL
        AND ("earlier"."registered_at", "earlier"."id") < ("later"."registered_at", "later"."id"));

-- CreateIndex
CREATE UNIQUE INDEX "involvement_one_open_per_organisation_purpose" ON "involvement" ("household_id", "organisation_id", "purpose") WHERE "ends_at" IS NULL;
