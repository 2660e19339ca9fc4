-- Reference sets: a named group of reference prompts, e.g. one seed file.
CREATE TABLE reference_sets (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  source      TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

-- Reference prompts. The id is the HNSW label; AUTOINCREMENT so an id is never reused (learned
-- deltas name references by id). The vector (float32 little-endian) is stored so the
-- index can be rebuilt without re-embedding; it is NULL until the active embedder has produced it.
CREATE TABLE reference_prompts (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  set_id        INTEGER NOT NULL REFERENCES reference_sets(id) ON DELETE CASCADE,
  text          TEXT NOT NULL,
  intent        TEXT,
  content_hash  TEXT NOT NULL UNIQUE,
  vector        BLOB,
  origin        TEXT NOT NULL DEFAULT 'seed',
  created_at    TEXT NOT NULL
);
CREATE INDEX reference_prompts_set ON reference_prompts(set_id);

-- Per (reference, model) record of pairwise outcomes. REAL, because learned updates are weighted.
CREATE TABLE records (
  reference_id  INTEGER NOT NULL REFERENCES reference_prompts(id) ON DELETE CASCADE,
  model         TEXT NOT NULL,
  wins          REAL NOT NULL DEFAULT 0 CHECK (wins >= 0),
  losses        REAL NOT NULL DEFAULT 0 CHECK (losses >= 0),
  ties          REAL NOT NULL DEFAULT 0 CHECK (ties >= 0),
  PRIMARY KEY (reference_id, model)
) WITHOUT ROWID;
CREATE INDEX records_model ON records(model);

-- Every routing decision. The prompt is kept as a hash; its text only when configured.
CREATE TABLE decisions (
  id              TEXT PRIMARY KEY,
  created_at      TEXT NOT NULL,
  prompt_hash     TEXT NOT NULL,
  prompt_text     TEXT,
  prompt_chars    INTEGER NOT NULL,
  chosen_model    TEXT NOT NULL,
  reason          TEXT NOT NULL,
  covered         INTEGER NOT NULL CHECK (covered IN (0, 1)),
  top_similarity  REAL,
  confidence      REAL NOT NULL,
  intent          TEXT,
  neighbor_ids    TEXT NOT NULL,
  neighbor_sims   TEXT NOT NULL,
  fallbacks       TEXT NOT NULL,
  scores          TEXT NOT NULL,
  vector          BLOB
);
CREATE INDEX decisions_created ON decisions(created_at);

CREATE TABLE meta (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
