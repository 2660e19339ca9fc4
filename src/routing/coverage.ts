import type { RoutingConfig } from '../config/schema.js';
import type { Evidence, PolicyInput } from './types.js';

/**
 * The calibrated coverage test (see coverage/calibrate.ts for how it is fitted).
 *
 * A prompt's coverage score is the mean similarity of its `topN` nearest references; it is covered
 * when that score reaches `threshold + intentOffsets[nearestIntent]`. With a configured number the
 * test is the plain one: top-1 similarity ≥ threshold (topN 1, no offsets, the intent by vote).
 */
export interface CoverageModel {
  /** Global threshold on the coverage score, in cosine-similarity units. */
  readonly threshold: number;
  /** Per-intent shift of the threshold (intents with enough references), from each intent's own spread. */
  readonly intentOffsets: ReadonlyMap<string, number>;
  /** Neighbours whose similarities are averaged into the score. */
  readonly topN: number;
  /** Where the numbers come from: a configured value, the background set, the references alone, or the fallback. */
  readonly source: 'configured' | 'background' | 'references' | 'fallback';
  /**
   * Per intent, the normalised mean of its references' vectors, from the calibration: with them the
   * nearest intent is decided by centroid and nearest reference together (`nearestIntentOf`).
   */
  readonly intentCentroids?: ReadonlyMap<string, Float32Array>;
}

/** Why a prompt is not covered before any similarity is looked at. */
export type UncoveredBy = 'empty' | 'language';

export interface CoverageVerdict {
  /** True when the neighbours are close enough for their records to speak for the prompt. */
  readonly covered: boolean;
  /** `covered`, `low_similarity`, or the reason no similarity was consulted. */
  readonly reason: 'covered' | 'low_similarity' | UncoveredBy;
  /** Mean of the top-N similarities; null without neighbours. */
  readonly score: number | null;
  /** The threshold that applied to this prompt (the nearest intent's, when it has its own). */
  readonly threshold: number;
  /** The intent the neighbours vote for, reported whether or not the prompt is covered. */
  readonly nearestIntent: string | null;
  /** The similarity of the nearest reference of that intent. */
  readonly nearestSimilarity: number | null;
}

/**
 * The coverage test as the router applies it to a prompt's neighbours, and as the leave-one-out fit
 * (routing/tuning.ts) applies it to each held-out reference: one definition for both.
 */
export interface CoverageTest {
  readonly model: CoverageModel;
  /** Neighbours read (routing.k, as calibrated), nearest first; a tuned k (often 50) would let large intents outvote the nearest. */
  readonly k: number;
  /** Power of the intent vote (routing.similarityPower). */
  readonly similarityPower: number;
}

export function coverageTestOf(model: CoverageModel, routing: Pick<RoutingConfig, 'k' | 'similarityPower'>): CoverageTest {
  return { model, k: routing.k, similarityPower: routing.similarityPower };
}

/** `assessCoverage` over the test's k nearest of `evidence` (nearest first); `vector` is the prompt's. */
export function assessNeighbours(
  evidence: readonly Pick<Evidence, 'similarity' | 'intent'>[],
  test: CoverageTest,
  prompt: { uncoveredBy?: UncoveredBy | null; vector?: Float32Array } = {},
): CoverageVerdict {
  return assessCoverage(evidence.slice(0, test.k), test.model, { similarityPower: test.similarityPower, ...prompt });
}

/** The test a configured number stands for: top-1 similarity against it. */
export function fixedCoverageModel(threshold: number): CoverageModel {
  return { threshold, intentOffsets: new Map(), topN: 1, source: 'configured' };
}

/**
 * The one place that decides whether evidence covers a prompt. `uncoveredBy` short-circuits (empty
 * text, a language the embedder does not read). `similarityPower` weights the intent vote as the
 * policies weight neighbours; `vector` (the prompt's) lets the model's intent centroids decide the
 * intent. Pure; the eval and the calibration call it too.
 */
export function assessCoverage(
  evidence: readonly Pick<Evidence, 'similarity' | 'intent'>[],
  model: CoverageModel,
  options: { similarityPower: number; uncoveredBy?: UncoveredBy | null; vector?: Float32Array },
): CoverageVerdict {
  const nearest = nearestIntentOf(evidence, { power: options.similarityPower, centroids: model.intentCentroids, vector: options.vector });
  const score = coverageScore(evidence, model.topN);
  const threshold = model.threshold + (nearest.intent !== null ? (model.intentOffsets.get(nearest.intent) ?? 0) : 0);
  const base = { score, threshold, nearestIntent: nearest.intent, nearestSimilarity: nearest.similarity };
  if (options.uncoveredBy) return { ...base, covered: false, reason: options.uncoveredBy };
  const covered = score !== null && score >= threshold;
  return { ...base, covered, reason: covered ? 'covered' : 'low_similarity' };
}

/** Mean similarity of the first `topN` neighbours (fewer when the index holds fewer); null when none. */
export function coverageScore(evidence: readonly Pick<Evidence, 'similarity'>[], topN: number): number | null {
  const top = evidence.slice(0, Math.max(1, topN));
  if (top.length === 0) return null;
  return top.reduce((sum, e) => sum + e.similarity, 0) / top.length;
}

/**
 * The intent the nearest references point to. With intent centroids and the prompt's vector: among
 * the intents in `evidence`, the largest 0.75 × similarity to the intent's centroid + 0.25 ×
 * similarity of its nearest reference: the centroid speaks for all of an intent's references, the
 * nearest for the closest match. Without them (a configured threshold, an intent newer than the calibration),
 * the largest similarity-weighted vote (weight = max(0, similarity)^power); a tiny rank term lets
 * the nearest intent win when every weight is zero.
 *
 * Why: measured by scripts/intent-vote-check.ts (figures in README, "Which prompts count as
 * covered"), the blend named the intent right more often than the vote on the held-out bundled
 * references and on CLINC150 and Banking77, for USE Lite and the lexical embedder; the weight 0.75
 * was chosen among 0.25/0.5/0.75/1 on the references and CLINC150's validation split only.
 */
export function nearestIntentOf(
  evidence: readonly Pick<Evidence, 'similarity' | 'intent'>[],
  by: { power: number; centroids?: ReadonlyMap<string, Float32Array> | undefined; vector?: Float32Array | undefined },
): { intent: string | null; similarity: number | null } {
  const votes = new Map<string, number>();
  const closest = new Map<string, number>();
  evidence.forEach((e, i) => {
    if (e.intent === null) return;
    votes.set(e.intent, (votes.get(e.intent) ?? 0) + Math.max(0, e.similarity) ** by.power + 1e-9 / (i + 1));
    closest.set(e.intent, Math.max(closest.get(e.intent) ?? -Infinity, e.similarity));
  });
  const scores = (by.centroids && by.vector ? blended(closest, by.centroids, by.vector) : null) ?? votes;
  let intent: string | null = null;
  let best = -Infinity;
  for (const [name, score] of scores) if (score > best) [intent, best] = [name, score];
  return { intent, similarity: intent !== null ? (closest.get(intent) ?? null) : null };
}

const CENTROID_WEIGHT = 0.75;

/** Per intent, CENTROID_WEIGHT × centroid similarity + the rest × nearest similarity; null (the vote decides) when an intent has no centroid. */
function blended(closest: ReadonlyMap<string, number>, centroids: ReadonlyMap<string, Float32Array>, vector: Float32Array): Map<string, number> | null {
  const out = new Map<string, number>();
  for (const [intent, nearest] of closest) {
    const c = centroids.get(intent);
    if (c === undefined || c.length !== vector.length) return null;
    let dot = 0;
    for (let d = 0; d < c.length; d++) dot += (c[d] ?? 0) * (vector[d] ?? 0);
    out.set(intent, CENTROID_WEIGHT * dot + (1 - CENTROID_WEIGHT) * nearest);
  }
  return out;
}

/**
 * What the policies ask: does similarity cover this prompt? The router's verdict when it gave one,
 * else the plain top-1 test against `params.coverageThreshold` (policy unit tests, replays).
 */
export function similarityCovers(input: Pick<PolicyInput, 'evidence' | 'params' | 'coverage'>): boolean {
  if (input.coverage) return input.coverage.covered;
  const top = input.evidence[0]?.similarity;
  return top !== undefined && top >= input.params.coverageThreshold;
}
