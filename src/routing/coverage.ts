import type { RoutingConfig } from '../config/schema.js';
import type { Evidence, PolicyInput } from './types.js';

/**
 * The calibrated coverage test (see coverage/calibrate.ts for how it is fitted).
 *
 * A prompt's coverage score is the mean similarity of its `topN` nearest references; it is covered
 * when that score reaches `threshold + intentOffsets[nearestIntent]`. With a configured number the
 * test is the plain one: top-1 similarity ≥ threshold (topN 1, no offsets).
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

/** `assessCoverage` over the test's k nearest of `evidence` (nearest first). */
export function assessNeighbours(
  evidence: readonly Pick<Evidence, 'similarity' | 'intent'>[],
  test: CoverageTest,
  uncoveredBy: UncoveredBy | null = null,
): CoverageVerdict {
  return assessCoverage(evidence.slice(0, test.k), test.model, { similarityPower: test.similarityPower, uncoveredBy });
}

/** The test a configured number stands for: top-1 similarity against it. */
export function fixedCoverageModel(threshold: number): CoverageModel {
  return { threshold, intentOffsets: new Map(), topN: 1, source: 'configured' };
}

/**
 * The one place that decides whether evidence covers a prompt. `uncoveredBy` short-circuits (empty
 * text, a language the embedder does not read). `similarityPower` weights the intent vote as the
 * policies weight neighbours. Pure; the eval and the calibration call it too.
 */
export function assessCoverage(
  evidence: readonly Pick<Evidence, 'similarity' | 'intent'>[],
  model: CoverageModel,
  options: { similarityPower: number; uncoveredBy?: UncoveredBy | null },
): CoverageVerdict {
  const nearest = nearestIntentOf(evidence, options.similarityPower);
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
 * The intent with the largest similarity-weighted vote (weight = max(0, similarity)^power); a tiny
 * rank term lets the nearest intent win when every weight is zero.
 */
export function nearestIntentOf(evidence: readonly Pick<Evidence, 'similarity' | 'intent'>[], power: number): { intent: string | null; similarity: number | null } {
  const votes = new Map<string, number>();
  const closest = new Map<string, number>();
  evidence.forEach((e, i) => {
    if (e.intent === null) return;
    votes.set(e.intent, (votes.get(e.intent) ?? 0) + Math.max(0, e.similarity) ** power + 1e-9 / (i + 1));
    closest.set(e.intent, Math.max(closest.get(e.intent) ?? -Infinity, e.similarity));
  });
  let intent: string | null = null;
  let best = -Infinity;
  for (const [name, vote] of votes) if (vote > best) [intent, best] = [name, vote];
  return { intent, similarity: intent !== null ? (closest.get(intent) ?? null) : null };
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
