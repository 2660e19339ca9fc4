-- What another database had learned for a reference, brought in by seeding from its export (format
-- 2, `npm run seed -- --export`). Kept apart from seed_records, as outcome deltas are: a re-post that
-- replaces a reference's seed records keeps it. records = seed_records + outcome deltas + this.
CREATE TABLE imported_learned (
  reference_id  INTEGER NOT NULL REFERENCES reference_prompts(id) ON DELETE CASCADE,
  model         TEXT NOT NULL,
  wins          REAL NOT NULL DEFAULT 0 CHECK (wins >= 0),
  losses        REAL NOT NULL DEFAULT 0 CHECK (losses >= 0),
  ties          REAL NOT NULL DEFAULT 0 CHECK (ties >= 0),
  PRIMARY KEY (reference_id, model)
) WITHOUT ROWID;
