import type { Neighbor } from '../index/vector-index.js';
import { assessCoverage, coverageScore, nearestIntentOf, type CoverageModel } from '../routing/coverage.js';
import { percentile, type CalibrationSample } from './calibrate.js';
import { intentCentroids } from './intent-centroids.js';

export interface BackgroundCalibrationOptions {
  /** Share of background prompts allowed to count as covered, in [0,1] (the target false-covered rate). */
  readonly falseCoveredRate: number;
  /** Neighbours consulted, as the router does (routing.k). */
  readonly k: number;
  /** Weight of the intent vote, as the router's (routing.similarityPower). */
  readonly similarityPower: number;
  /** Neighbours averaged into the score (default 3). */
  readonly topN?: number;
  /** How much of an intent's own tightness moves its threshold (default 0.5; 0 = one global threshold). */
  readonly spreadWeight?: number;
  /** Fewest references (with a same-intent neighbour) an intent needs for its own threshold (default 3). */
  readonly minIntentReferences?: number;
}

export interface BackgroundCalibration {
  readonly model: CoverageModel;
  readonly backgroundPrompts: number;
  /** Background prompts that still count as covered under the fitted model (≈ falseCoveredRate). */
  readonly backgroundCovered: number;
}

/** Fewer background prompts than this say nothing about a 5–10% tail. */
export const MIN_BACKGROUND_PROMPTS = 20;

/**
 * Fits the coverage test to what the references do NOT cover.
 *
 * 1. Each intent's tightness: the mean similarity of its references to their nearest same-intent
 *    neighbour (leave-one-out). Its threshold shifts by `spreadWeight × (tightness − mean tightness)`:
 *    a tight intent (code) asks for closer neighbours than a loose one (small talk).
 * 2. The background set (everyday prompts no intent covers) is scored as traffic would be: the mean
 *    of the top-N similarities minus the nearest intent's shift. The global threshold is the
 *    (1 − falseCoveredRate) quantile of those scores, so that share of background stays covered.
 *
 * The choice of score (mean of top-3 over top-1, shift 0.5) was made on the background set against
 * leave-one-out references (AUROC 0.939 vs 0.924 for top-1 with USE Lite); README gives the figures.
 * Returns null with too few background prompts or no intent to measure.
 */
export function calibrateAgainstBackground(
  references: readonly CalibrationSample[],
  background: readonly Float32Array[],
  search: (vector: Float32Array, k: number) => readonly Neighbor[],
  options: BackgroundCalibrationOptions,
): BackgroundCalibration | null {
  if (background.length < MIN_BACKGROUND_PROMPTS) return null;
  const topN = options.topN ?? 3;
  const intentOf = new Map(references.map((r) => [r.id, r.intent]));
  const evidenceOf = (neighbours: readonly Neighbor[]) => neighbours.map((n) => ({ similarity: n.similarity, intent: intentOf.get(n.label) ?? null }));
  const offsets = intentOffsets(references, search, { ...options, intentOf });
  if (!offsets) return null;
  // The background is scored as the router will score traffic: the intent (whose offset applies) by centroid and nearest reference.
  const centroids = intentCentroids(references);
  const scoreOf = (vector: Float32Array) => {
    const evidence = evidenceOf(search(vector, options.k));
    const intent = nearestIntentOf(evidence, { power: options.similarityPower, centroids, vector }).intent;
    return (coverageScore(evidence, topN) ?? -1) - (intent !== null ? (offsets.get(intent) ?? 0) : 0);
  };
  const backgroundScores = background.map(scoreOf);
  const threshold = percentile(backgroundScores, 100 * (1 - options.falseCoveredRate));
  return {
    model: { threshold, intentOffsets: offsets, topN, source: 'background', intentCentroids: centroids },
    backgroundPrompts: background.length,
    backgroundCovered: backgroundScores.filter((s) => s >= threshold).length,
  };
}

/** Leave-one-out: the share of references that count as covered when their own entry is not searched. */
export function referencesCoveredShare(
  references: readonly CalibrationSample[],
  search: (vector: Float32Array, k: number) => readonly Neighbor[],
  model: CoverageModel,
  options: { k: number; similarityPower: number },
): number {
  const intentOf = new Map(references.map((r) => [r.id, r.intent]));
  const covered = references.filter((r) => {
    const evidence = search(r.vector, options.k + 1).filter((n) => n.label !== r.id).slice(0, options.k).map((n) => ({ similarity: n.similarity, intent: intentOf.get(n.label) ?? null }));
    return assessCoverage(evidence, model, { similarityPower: options.similarityPower, vector: r.vector }).covered;
  });
  return references.length === 0 ? 0 : covered.length / references.length;
}

/** Per-intent threshold shifts from each intent's leave-one-out tightness; null when no intent qualifies. */
function intentOffsets(
  references: readonly CalibrationSample[],
  search: (vector: Float32Array, k: number) => readonly Neighbor[],
  options: BackgroundCalibrationOptions & { intentOf: ReadonlyMap<number, string | null> },
): Map<string, number> | null {
  const nearestSame = new Map<string, number[]>();
  for (const r of references) {
    if (r.intent === null) continue;
    const hit = search(r.vector, options.k + 1).find((n) => n.label !== r.id && options.intentOf.get(n.label) === r.intent);
    if (!hit) continue;
    // Appended in place: copying the list per reference was quadratic (24M copies at 12k references).
    const sims = nearestSame.get(r.intent);
    if (sims) sims.push(hit.similarity);
    else nearestSame.set(r.intent, [hit.similarity]);
  }
  const minRefs = options.minIntentReferences ?? 3;
  const tightness = new Map([...nearestSame].filter(([, sims]) => sims.length >= minRefs).map(([intent, sims]) => [intent, mean(sims)]));
  if (tightness.size === 0) return references.length > 0 ? new Map() : null;
  const overall = mean([...tightness.values()]);
  const weight = options.spreadWeight ?? 0.5;
  return new Map([...tightness].map(([intent, t]) => [intent, weight * (t - overall)]));
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
