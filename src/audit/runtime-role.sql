-- The hub's runtime role on PostgreSQL: what the gateway needs, and no more on the access log.
--
-- Run as the database OWNER (the role that applied the migrations), in the hub's database, after the
-- migrations and again after later ones (idempotent):
--   psql "$OWNER_DATABASE_URL" -f src/audit/runtime-role.sql
--   psql "$OWNER_DATABASE_URL" -c "ALTER ROLE ontschot_runtime PASSWORD '...'"
-- then run the hub with DATABASE_URL=postgres://ontschot_runtime:...@host/db. audit:purge keeps running
-- as the owner. See docs/access-log.md.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ontschot_runtime') THEN
    CREATE ROLE ontschot_runtime LOGIN;
  END IF;
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO ontschot_runtime', current_database());
END
$$;

-- CREATE only because the hub's migrator runs CREATE TABLE IF NOT EXISTS "_prisma_migrations" at start-up
-- (PostgreSQL checks the privilege even when the table exists). Tables it would create are its own: it
-- cannot alter, drop or take over the owner's tables.
GRANT USAGE, CREATE ON SCHEMA public TO ontschot_runtime;

-- The case registration and consents: the hub reads and writes them (seed, consent lifecycle).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ontschot_runtime;

-- The access log, its purge checkpoints, its sealed chain heads and the register of processing activities: append and read,
-- never change or remove. Only the owner (audit:purge) deletes, and only expired records.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_record, audit_checkpoint, audit_seal, processing_activity FROM ontschot_runtime;
GRANT SELECT, INSERT ON audit_record, audit_checkpoint, audit_seal, processing_activity TO ontschot_runtime;

-- Migrations are the owner's: the runtime only reads which ones were applied.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "_prisma_migrations" FROM ontschot_runtime;

-- The policy versions the hub has run with: the runtime records a new version and the time of its last
-- start, and never rewrites or removes one (src/policy-report/policy-versions.ts).
REVOKE UPDATE, DELETE, TRUNCATE ON policy_version FROM ontschot_runtime;
GRANT SELECT, INSERT ON policy_version TO ontschot_runtime;
GRANT UPDATE (last_run_at) ON policy_version TO ontschot_runtime;
