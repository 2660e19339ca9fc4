-- What each seed file said about a reference, kept apart from what was learned since, so the
-- records can be recomputed from the source (seed records + outcome deltas) at any time.
CREATE TABLE seed_records (
  reference_id  INTEGER NOT NULL REFERENCES reference_prompts(id) ON DELETE CASCADE,
  model         TEXT NOT NULL,
  wins          REAL NOT NULL DEFAULT 0 CHECK (wins >= 0),
  losses        REAL NOT NULL DEFAULT 0 CHECK (losses >= 0),
  ties          REAL NOT NULL DEFAULT 0 CHECK (ties >= 0),
  PRIMARY KEY (reference_id, model)
) WITHOUT ROWID;
INSERT INTO seed_records (reference_id, model, wins, losses, ties) SELECT reference_id, model, wins, losses, ties FROM records;

-- Every reported outcome. `value` is 1/0 for success, the score in [0,1], or 1/0.5/0 for a
-- pairwise win/tie/loss against `opponent`. `deltas` is how it moved the records, as a JSON array
-- of {"referenceId","model","wins","losses","ties"}: replaying them over seed_records rebuilds
-- `records` (npm run seed -- --from-db). One column rather than a row per delta keeps ingestion fast.
CREATE TABLE outcomes (
  id               INTEGER PRIMARY KEY,
  idempotency_key  TEXT UNIQUE,
  decision_id      TEXT REFERENCES decisions(id),
  prompt_hash      TEXT NOT NULL,
  model            TEXT NOT NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('success', 'score', 'pairwise')),
  value            REAL NOT NULL CHECK (value >= 0 AND value <= 1),
  opponent         TEXT,
  latency_ms       REAL CHECK (latency_ms IS NULL OR latency_ms >= 0),
  cost_usd         REAL CHECK (cost_usd IS NULL OR cost_usd >= 0),
  source           TEXT,
  deltas           TEXT NOT NULL DEFAULT '[]',
  created_at       TEXT NOT NULL
);
CREATE INDEX outcomes_decision ON outcomes(decision_id);
CREATE INDEX outcomes_prompt ON outcomes(prompt_hash);
CREATE INDEX outcomes_model ON outcomes(model);
