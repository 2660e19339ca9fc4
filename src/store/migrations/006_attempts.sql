-- The front door's upstream attempts: one row per call (or per stream), with what the call came to
-- (a verdict from proxy/verdict.ts). These are logs for latency, cost and reliability; they never
-- move the win records (only answer checks and user feedback are quality outcomes).
CREATE TABLE attempts (
  id              INTEGER PRIMARY KEY,
  decision_id     TEXT NOT NULL,
  model           TEXT NOT NULL,
  verdict         TEXT NOT NULL,
  latency_ms      REAL,
  cost_usd        REAL,
  -- 1 when the upstream gave no usage and the tokens were estimated from the request and answer.
  usage_estimated INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT NOT NULL
);
CREATE INDEX attempts_by_decision ON attempts (decision_id);
CREATE INDEX attempts_by_model ON attempts (model, created_at);

-- The part of each spend row that came from estimated usage.
ALTER TABLE spend ADD COLUMN estimated_usd REAL NOT NULL DEFAULT 0 CHECK (estimated_usd >= 0);
