-- Everything needed to explain a decision later, as JSON (src/routing/decision-details.ts): the
-- rules that matched, an ignored pin, exclusions, threshold, cost weight, the request's constraints,
-- and the neighbours with the records they had at decision time.
ALTER TABLE decisions ADD COLUMN details TEXT;
