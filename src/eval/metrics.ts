/**
 * Cost–quality metrics over a router's operating points, pure. The hull and AIQ live with the
 * policy fit (`routing/policies/frontier.ts`), which judges settings the same way.
 */
import { aiq, hullCostFor, hullQualityAt, nonDecreasingHull, type CostQuality } from '../routing/policies/frontier.js';

export { aiq, hullCostFor, hullQualityAt, nonDecreasingHull, type CostQuality };

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
