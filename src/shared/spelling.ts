import leven from 'leven';

/**
 * The candidate a mistyped name most likely meant, or undefined when none is close. Names are
 * compared by Levenshtein distance (the `leven` package) over lower-case letters and digits, so
 * `cost_weight` finds `costWeight` and `ROUTING_COST_WEIGHT` finds `ROUTING__COST_WEIGHT`; "close"
 * is at most a third of the name's length in edits, and at least 2 (a swapped pair of letters).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = normalise(name);
  const limit = Math.max(2, Math.ceil(wanted.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = leven(wanted, normalise(candidate), { maxDistance: limit + 1 });
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}
