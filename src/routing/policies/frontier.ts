/**
 * The cost–quality frontier, pure: a point is the mean cost per query and the mean quality a router
 * reached at one setting of its knobs. Used by the policy fit (leave-one-out on the references) and
 * by the eval (held-out folds), so both judge a router by the same hull.
 */
export interface CostQuality {
  readonly cost: number;
  readonly quality: number;
}

/**
 * The non-decreasing convex hull (RouterBench): the upper convex hull of the points from the
 * cheapest one up to the best one. Any point on it is reachable by mixing two settings at random,
 * and past the best point more budget buys nothing, so the hull stays flat there.
 */
export function nonDecreasingHull(points: readonly CostQuality[]): CostQuality[] {
  const sorted = [...points].filter(isFinitePoint).sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  const hull: CostQuality[] = [];
  for (const p of sorted) {
    const last = hull[hull.length - 1];
    if (last && last.cost === p.cost) continue; // same cost: the first (best) one was kept
    while (hull.length >= 2 && !turnsRight(hull[hull.length - 2], hull[hull.length - 1], p)) hull.pop();
    hull.push(p);
  }
  const best = hull.reduce((b, p, i) => ((hull[b]?.quality ?? -Infinity) < p.quality ? i : b), 0);
  return hull.slice(0, best + 1);
}

function isFinitePoint(p: CostQuality): boolean {
  return Number.isFinite(p.cost) && Number.isFinite(p.quality);
}

/** o → a → b bends clockwise (a lies strictly above the chord o–b), so a stays on the upper hull. */
function turnsRight(o: CostQuality | undefined, a: CostQuality | undefined, b: CostQuality): boolean {
  if (!o || !a) return true;
  return (a.cost - o.cost) * (b.quality - o.quality) - (a.quality - o.quality) * (b.cost - o.cost) < 0;
}

/** The hull's quality at a cost: null below its cheapest point (unreachable), flat past its best. */
export function hullQualityAt(hull: readonly CostQuality[], cost: number): number | null {
  const first = hull[0];
  if (!first || cost < first.cost) return null;
  for (let i = 1; i < hull.length; i++) {
    const a = hull[i - 1];
    const b = hull[i];
    if (a && b && cost <= b.cost) return a.quality + ((cost - a.cost) / (b.cost - a.cost)) * (b.quality - a.quality);
  }
  return hull[hull.length - 1]?.quality ?? null;
}

/** The least cost at which the hull reaches a quality; null when it never does. */
export function hullCostFor(hull: readonly CostQuality[], quality: number): number | null {
  const first = hull[0];
  if (!first) return null;
  if (first.quality >= quality) return first.cost;
  for (let i = 1; i < hull.length; i++) {
    const a = hull[i - 1];
    const b = hull[i];
    if (a && b && b.quality >= quality) return a.cost + ((quality - a.quality) / (b.quality - a.quality)) * (b.cost - a.cost);
  }
  return null;
}

/**
 * AIQ (RouterBench): the area under the non-decreasing hull over [min, max] cost, divided by the
 * width, i.e. the hull's mean quality over that budget range. Below the router's cheapest point it
 * reaches nothing and counts 0. Null when the range is empty (all models cost the same).
 */
export function aiq(points: readonly CostQuality[], range: { min: number; max: number }): number | null {
  const width = range.max - range.min;
  const hull = nonDecreasingHull(points);
  const first = hull[0];
  if (!(width > 0) || !first) return null;
  const cuts = [range.min, range.max, ...hull.map((p) => p.cost).filter((c) => c > range.min && c < range.max)].sort((a, b) => a - b);
  let area = 0;
  for (let i = 1; i < cuts.length; i++) {
    const a = cuts[i - 1] ?? 0;
    const b = cuts[i] ?? 0;
    // Every cut interval lies wholly below or above the hull's first cost, which is itself a cut.
    if (a < first.cost) continue;
    area += ((b - a) * ((hullQualityAt(hull, a) ?? 0) + (hullQualityAt(hull, b) ?? 0))) / 2;
  }
  return area / width;
}

