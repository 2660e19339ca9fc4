-- The text kept for the coverage report: by default only for uncovered prompts, PII redacted and
-- cut to 2,000 characters (src/privacy/redact.ts). The retention sweep clears it, and any
-- prompt_text, after log.retentionDays.
ALTER TABLE decisions ADD COLUMN kept_text TEXT;
-- What the decision was routed on, as JSON: {"source": "prompt"|"last_user"|"window"|..., "chars", "hash", "turns"}.
ALTER TABLE decisions ADD COLUMN routed_on TEXT;
-- Only rows still holding text: the sweep finds them without walking every old decision.
CREATE INDEX decisions_text_held ON decisions(created_at) WHERE kept_text IS NOT NULL OR prompt_text IS NOT NULL;
