-- What many decisions share, stored once and named by id in decisions.details (format 2, see
-- src/store/decision-parts.ts): the policy parameters in force, and each neighbour's intent and
-- records at decision time. A route's neighbours mostly hold the same records as the last route's,
-- so a decision stores k small ids instead of k copies of its neighbours' records (~19 kB at k 50).
-- Rows are never changed or deleted: a stored decision names them for good. Decisions stored
-- before this migration keep their details inline (format 1) and read as before.
CREATE TABLE decision_parts (
  id    INTEGER PRIMARY KEY,
  -- SHA-256 of body (base64url, first 22 characters: 132 bits); equal bodies share one row.
  hash  TEXT NOT NULL UNIQUE,
  body  TEXT NOT NULL
);
