-- The reference an outcome promoted (when it did), so a retried submission with the same
-- idempotency key gets the original's whole answer back.
ALTER TABLE outcomes ADD COLUMN promoted_reference_id INTEGER;
