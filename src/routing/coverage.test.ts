import { describe, expect, it } from 'vitest';
import { normalizeInPlace } from '../embedding/embedder.js';
import { assessCoverage, nearestIntentOf, type CoverageModel } from './coverage.js';

const unit = (...xs: number[]) => normalizeInPlace(Float32Array.from(xs));
const sim = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

/**
 * Intent "sql" sits around axis 0, "extraction" around axis 1. The prompt leans to "sql" as a whole,
 * but one stray "extraction" reference happens to be its nearest, and extraction has more references
 * among the k: the vote says extraction, the centroids say sql.
 */
const prompt = unit(1, 0.55, 0.2);
const centroids = new Map([
  ['sql', unit(1, 0.1, 0)],
  ['extraction', unit(0.1, 1, 0)],
]);
const neighbours = [
  { intent: 'extraction', vector: unit(1, 0.6, 0.25) },
  { intent: 'sql', vector: unit(1, 0.3, 0.4) },
  { intent: 'extraction', vector: unit(0.6, 1, 0.1) },
  { intent: 'extraction', vector: unit(0.5, 1, 0.3) },
].map((n) => ({ intent: n.intent, similarity: sim(prompt, n.vector) }));
const evidence = [...neighbours].sort((a, b) => b.similarity - a.similarity);

describe('nearestIntentOf', () => {
  it('weighs each intent by its centroid and its nearest reference when it has the centroids and the prompt', () => {
    expect(evidence[0]?.intent).toBe('extraction');
    expect(nearestIntentOf(evidence, { power: 4 }).intent).toBe('extraction');
    const byCentroid = nearestIntentOf(evidence, { power: 4, centroids, vector: prompt });
    expect(byCentroid.intent).toBe('sql');
    // Its similarity is that of the intent's nearest reference.
    expect(byCentroid.similarity).toBeCloseTo(Math.max(...evidence.filter((e) => e.intent === 'sql').map((e) => e.similarity)), 12);
  });

  it('only chooses among the intents of the neighbours', () => {
    const withFar = new Map([...centroids, ['far', prompt]]);
    expect(nearestIntentOf(evidence, { power: 4, centroids: withFar, vector: prompt }).intent).not.toBe('far');
  });

  it('falls back to the vote when an intent among the neighbours has no centroid (newer than the calibration)', () => {
    const partial = new Map([['sql', centroids.get('sql') ?? prompt]]);
    expect(nearestIntentOf(evidence, { power: 4, centroids: partial, vector: prompt }).intent).toBe('extraction');
  });

  it('is null without labelled neighbours', () => {
    expect(nearestIntentOf([{ intent: null, similarity: 0.9 }], { power: 4, centroids, vector: prompt })).toEqual({ intent: null, similarity: null });
  });
});

describe('assessCoverage', () => {
  it("applies the threshold of the intent the centroids name, given the prompt's vector", () => {
    const model: CoverageModel = { threshold: 0.5, topN: 3, intentOffsets: new Map([['sql', 0.5], ['extraction', -0.3]]), source: 'background', intentCentroids: centroids };
    expect(assessCoverage(evidence, model, { similarityPower: 4 })).toMatchObject({ nearestIntent: 'extraction', threshold: 0.2, covered: true });
    expect(assessCoverage(evidence, model, { similarityPower: 4, vector: prompt })).toMatchObject({ nearestIntent: 'sql', threshold: 1, covered: false });
  });
});
