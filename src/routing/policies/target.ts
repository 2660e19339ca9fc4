import type { CostQuality } from './frontier.js';
import type { LooPoint } from './fit-policy.js';

/**
 * An operator's target, relative to the best single model on the references (the model with the
 * best held-out success rate, ties to the cheaper): reach this share of its quality at the least
 * cost, or spend at most this share of its cost for the most quality.
 */
export type RoutingTarget = { readonly qualityShare: number } | { readonly costShare: number };

export interface TargetResolution {
  readonly target: RoutingTarget;
  /** The cost weight that meets the target on the leave-one-out curve. */
  readonly costWeight: number;
  /** Held-out (leave-one-out) quality and cost at that weight, as shares of the best single model's. */
  readonly expectedQualityShare: number;
  readonly expectedCostShare: number;
  /** False when no cost weight reached the target: the closest one is used (best quality, or least cost). */
  readonly met: boolean;
}

/**
 * Picks the cost weight for a target from a leave-one-out curve (RouteLLM calibrates its threshold
 * the same way: the value that gives the requested share on held-out data; calibrate_threshold.py).
 * qualityShare: the cheapest point reaching it; costShare: the best point within it.
 */
export function calibrateTarget(curve: readonly LooPoint[], best: CostQuality, target: RoutingTarget): TargetResolution {
  const share = (p: LooPoint) => ({ q: best.quality > 0 ? p.quality / best.quality : 0, c: best.cost > 0 ? p.cost / best.cost : 0 });
  const byQuality = (a: LooPoint, b: LooPoint) => b.quality - a.quality || a.cost - b.cost;
  const byCost = (a: LooPoint, b: LooPoint) => a.cost - b.cost || b.quality - a.quality;
  let chosen: LooPoint | undefined;
  let met = true;
  if ('qualityShare' in target) {
    chosen = curve.filter((p) => share(p).q >= target.qualityShare - 1e-12).sort(byCost)[0];
    if (!chosen) [chosen, met] = [[...curve].sort(byQuality)[0], false];
  } else {
    chosen = curve.filter((p) => share(p).c <= target.costShare + 1e-12).sort(byQuality)[0];
    if (!chosen) [chosen, met] = [[...curve].sort(byCost)[0], false];
  }
  if (!chosen) return { target, costWeight: 0, expectedQualityShare: 0, expectedCostShare: 0, met: false };
  return { target, costWeight: chosen.costWeight, expectedQualityShare: share(chosen).q, expectedCostShare: share(chosen).c, met };
}

/** A target as the explanation names it: "qualityShare 0.95", "costShare 0.5". */
export function targetLabel(target: RoutingTarget): string {
  return 'qualityShare' in target ? `qualityShare ${target.qualityShare}` : `costShare ${target.costShare}`;
}
