-- The access log is written on every request and read rarely, so each of its indexes is paid for on every
-- INSERT. What reads audit_record, and the index each read uses (EXPLAIN ANALYZE on 200,000 rows):
--   access records search, by subject / professional / organisation / period, newest first: subject_key,
--     professional (its count), organisation_id (its count), end_time (the order and the period);
--   subject access report (all records of one subject): subject_key;
--   report period (first end_time): end_time;  purge: end_time, (chain_id, chain_seq);
--   chain verifier (chains, batches by sequence, unchained count): (chain_id, chain_seq);
--   break-the-glass access counts: break_glass_grant_id;  records by id (replay cursor): the primary key;
--   policy what-if replay (subject_kind = 'PERSON', start_time in a period): a sequential scan.
-- Two indexes serve none of them:
-- - trace_id: nothing in the hub looks records up by trace (only tests do, on a handful of rows);
-- - subject_kind: the replay's subject_kind = 'PERSON' holds for nearly every row, so it was never chosen.

-- DropIndex
DROP INDEX "audit_record_trace_id_idx";

-- DropIndex
DROP INDEX "audit_record_subject_kind_idx";
