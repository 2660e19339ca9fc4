/**
 * Cost–quality metrics over a router's operating points, pure. A point is the mean cost per query
 * and the mean quality the router reached at one setting of its knobs.
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

/** The router's cost to match a reference model's quality, as a share of that model's cost. */
export function costAtParity(points: readonly CostQuality[], reference: CostQuality): number | null {
  if (reference.cost <= 0) return null;
  const cost = hullCostFor(nonDecreasingHull(points), reference.quality);
  return cost === null ? null : cost / reference.cost;
}

/** The router's quality when it may spend `share` of a reference model's cost (0.5 = half). */
export function qualityAtCostShare(points: readonly CostQuality[], reference: CostQuality, share: number): number | null {
  return hullQualityAt(nonDecreasingHull(points), share * reference.cost);
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

/** A two-model router's operating point: the share of calls sent to the strong model. */
export interface SharePoint {
  readonly strongShare: number;
  readonly quality: number;
}

/** RouteLLM's performance gap recovered: 0 = the weak model's quality, 1 = the strong model's. */
export function performanceGapRecovered(quality: number, weak: number, strong: number): number | null {
  return strong === weak ? null : (quality - weak) / (strong - weak);
}

/**
 * The router's PGR curve over the strong-call share, sorted by share, with the two trivial routers
 * as anchors (all weak: share 0, PGR 0; all strong: share 1, PGR 1), which RouteLLM's threshold
 * sweep always contains as its end points.
 */
export function pgrCurve(points: readonly SharePoint[], weak: number, strong: number): { share: number; pgr: number }[] | null {
  if (strong === weak) return null;
  const curve = points.map((p) => ({ share: p.strongShare, pgr: (p.quality - weak) / (strong - weak) }));
  return [{ share: 0, pgr: 0 }, ...curve, { share: 1, pgr: 1 }].sort((a, b) => a.share - b.share || a.pgr - b.pgr);
}

/** APGR (RouteLLM): the area under PGR against the strong-call share on [0, 1] (trapezoids). */
export function apgr(points: readonly SharePoint[], weak: number, strong: number): number | null {
  const curve = pgrCurve(points, weak, strong);
  if (!curve) return null;
  let area = 0;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1];
    const b = curve[i];
    if (a && b) area += ((b.share - a.share) * (a.pgr + b.pgr)) / 2;
  }
  return area;
}

/**
 * CPT(x) (RouteLLM's call-performance threshold): the least share of calls to the strong model at
 * which the router recovers `pgrTarget` of the gap (PGR ≥ x), linearly interpolated along the curve.
 */
export function callPerformanceThreshold(points: readonly SharePoint[], weak: number, strong: number, pgrTarget: number): number | null {
  const curve = pgrCurve(points, weak, strong);
  if (!curve) return null;
  for (let i = 0; i < curve.length; i++) {
    const b = curve[i];
    if (!b || b.pgr < pgrTarget) continue;
    const a = curve[i - 1];
    if (!a) return b.share;
    return a.share + ((pgrTarget - a.pgr) / (b.pgr - a.pgr)) * (b.share - a.share);
  }
  return null;
}
