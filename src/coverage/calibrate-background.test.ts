import { describe, expect, it } from 'vitest';
import { normalizeInPlace } from '../embedding/embedder.js';
import { BruteForceIndex } from '../index/brute-force-index.js';
import { assessCoverage } from '../routing/coverage.js';
import { gaussian, seededRandom } from '../shared/random.js';
import { calibrateAgainstBackground, referencesCoveredShare } from './calibrate-background.js';
import type { CalibrationSample } from './calibrate.js';

const DIMS = 16;
const rand = seededRandom(7);

/** A unit vector near axis `axis`, spread by `noise`. */
function near(axis: number, noise: number): Float32Array {
  const v = Float32Array.from({ length: DIMS }, (_, i) => (i === axis ? 1 : 0) + noise * gaussian(rand));
  return normalizeInPlace(v);
}

function setUp() {
  const references: CalibrationSample[] = [];
  for (let i = 0; i < 20; i++) references.push({ id: i, intent: 'tight', vector: near(0, 0.08) });
  for (let i = 20; i < 40; i++) references.push({ id: i, intent: 'loose', vector: near(1, 0.2) });
  const index = new BruteForceIndex(DIMS, 64);
  for (const r of references) index.add(r.id, r.vector);
  // Background: prompts about other things (other axes), some of them drifting toward the loose intent.
  const background = Array.from({ length: 200 }, (_, i) => near(2 + (i % 10), 0.6));
  return { references, index, background, search: (v: Float32Array, k: number) => index.search(v, k) };
}

const OPTIONS = { falseCoveredRate: 0.05, k: 10, similarityPower: 4 };

describe('calibrateAgainstBackground', () => {
  it('lets about the target share of the background count as covered', () => {
    const { references, background, search } = setUp();
    const fit = calibrateAgainstBackground(references, background, search, OPTIONS);
    expect(fit).not.toBeNull();
    expect(fit?.backgroundCovered).toBeLessThanOrEqual(Math.ceil(0.05 * background.length) + 1);
    expect(fit?.backgroundCovered).toBeGreaterThan(0);
    expect(fit?.model.source).toBe('background');
  });

  it('asks a tight intent for closer neighbours than a loose one', () => {
    const { references, background, search } = setUp();
    const offsets = calibrateAgainstBackground(references, background, search, OPTIONS)?.model.intentOffsets;
    expect(offsets?.get('tight')).toBeGreaterThan(offsets?.get('loose') ?? Infinity);
  });

  it('keeps most held-out references covered while off-topic prompts are not', () => {
    const { references, background, search } = setUp();
    const fit = calibrateAgainstBackground(references, background, search, OPTIONS);
    if (!fit) throw new Error('no calibration');
    expect(referencesCoveredShare(references, search, fit.model, { k: 10, similarityPower: 4 })).toBeGreaterThan(0.9);
    const intentOf = new Map(references.map((r) => [r.id, r.intent]));
    const evidence = (v: Float32Array) => search(v, 10).map((n) => ({ id: n.label, similarity: n.similarity, intent: intentOf.get(n.label) ?? null, records: new Map() }));
    const verdict = (v: Float32Array) => assessCoverage(evidence(v), fit.model, { similarityPower: 4 });
    expect(verdict(near(0, 0.1))).toMatchObject({ covered: true, nearestIntent: 'tight' });
    const offTopic = Array.from({ length: 100 }, (_, i) => near(2 + (i % 10), 0.6));
    expect(offTopic.filter((v) => verdict(v).covered).length).toBeLessThanOrEqual(15);
    expect(assessCoverage(evidence(near(0, 0.1)), fit.model, { similarityPower: 4, uncoveredBy: 'language' })).toMatchObject({ covered: false, reason: 'language', nearestIntent: 'tight' });
  });

  it('declines with too few background prompts', () => {
    const { references, background, search } = setUp();
    expect(calibrateAgainstBackground(references, background.slice(0, 19), search, OPTIONS)).toBeNull();
  });

  it('is one global threshold when the spread weight is 0', () => {
    const { references, background, search } = setUp();
    const offsets = calibrateAgainstBackground(references, background, search, { ...OPTIONS, spreadWeight: 0 })?.model.intentOffsets;
    expect([...(offsets?.values() ?? [])].every((o) => o === 0)).toBe(true);
  });
});
