-- Upstream spend by period, API key (our key's name, or '*' for everything) and model, computed
-- from the upstream's reported token usage and the catalog prices.
CREATE TABLE spend (
  period    TEXT NOT NULL,
  api_key   TEXT NOT NULL,
  model     TEXT NOT NULL,
  usd       REAL NOT NULL DEFAULT 0 CHECK (usd >= 0),
  requests  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (period, api_key, model)
) WITHOUT ROWID;
