import { describe, expect, it } from 'vitest';
import { TEST_CATALOG } from '../../../test/helpers/catalog.js';
import type { WinRecord } from '../../store/types.js';
import { decide } from '../policy.js';
import type { Decision, Evidence, PolicyInput, PolicyParams } from '../types.js';
import { fitKnnSuccess, type FitSample } from './fit-knn-success.js';
import { createKnnSuccessPolicy, predictSuccess, relativeWeights } from './knn-success.js';

const PARAMS: PolicyParams = {
  costWeight: 0,
  defaultModel: 'mid',
  priorStrength: 4,
  similarityPower: 1,
  coverageThreshold: 0.5,
  minSupport: 1,
  expectedOutputTokens: 500,
  gapThreshold: 0,
};

const win: WinRecord = { wins: 1, losses: 0, ties: 0 };
const loss: WinRecord = { wins: 0, losses: 1, ties: 0 };

function ev(id: number, similarity: number, records: Record<string, WinRecord>): Evidence {
  return { id, similarity, intent: 'math', records: new Map(Object.entries(records)) };
}

/*
 * Two references (power 1, so weights are similarity / top similarity = 1 and .5):
 *   r1 (.8): premium right, budget wrong;  r2 (.4): premium wrong, budget right.
 * Global rates: premium 1/2, budget 1/2, mid 0 (two losses). With one neighbour of prior weight:
 *   premium = (1·1 + .5·0 + 1·.5) / (1.5 + 1) = .6;  budget = (1·0 + .5·1 + .5) / 2.5 = .4;  mid = 0.
 */
const EVIDENCE = [ev(1, 0.8, { premium: win, budget: loss }), ev(2, 0.4, { premium: loss, budget: win })];
const TOTALS = new Map<string, WinRecord>([
  ['premium', { wins: 1, losses: 1, ties: 0 }],
  ['budget', { wins: 1, losses: 1, ties: 0 }],
  ['mid', { wins: 0, losses: 2, ties: 0 }],
]);

function input(overrides: Partial<PolicyInput> = {}): PolicyInput {
  return { evidence: EVIDENCE, modelTotals: TOTALS, catalog: TEST_CATALOG, constraints: {}, promptTokens: 20, params: PARAMS, ...overrides };
}

function routed(d: Decision): Extract<Decision, { kind: 'routed' }> {
  if (d.kind !== 'routed') throw new Error(`expected a routed decision, got ${d.kind}`);
  return d;
}

const policy = createKnnSuccessPolicy({ priorNeighbours: 1, power: 1 });

describe('knn-success', () => {
  it('weighs neighbours relative to the nearest one', () => {
    expect(relativeWeights(EVIDENCE, 1)).toEqual([1, 0.5]);
    expect(relativeWeights(EVIDENCE, 2)).toEqual([1, 0.25]);
    expect(relativeWeights([ev(1, -0.2, {})], 4)).toEqual([0]);
  });

  it('predicts success as the weighted neighbour rate shrunk toward the global rate', () => {
    const d = routed(policy(input()));
    const quality = Object.fromEntries(d.scores.map((s) => [s.model, s.quality]));
    expect(quality['premium']).toBeCloseTo(0.6, 12);
    expect(quality['budget']).toBeCloseTo(0.4, 12);
    expect(quality['mid']).toBeCloseTo(0, 12);
    expect(d).toMatchObject({ model: 'premium', reason: 'covered', covered: true });
  });

  it('does not depend on the embedder’s similarity scale, like decide since issue 17', () => {
    const halved = EVIDENCE.map((e) => ({ ...e, similarity: e.similarity / 2 }));
    const a = routed(policy(input())).scores;
    const b = routed(policy(input({ evidence: halved, params: { ...PARAMS, coverageThreshold: 0.2 } }))).scores;
    expect(b.map((s) => s.quality)).toEqual(a.map((s) => s.quality));
    const qualityOf = (d: Decision) => routed(d).scores.find((s) => s.model === 'premium')?.quality;
    expect(qualityOf(decide(input({ evidence: halved, params: { ...PARAMS, coverageThreshold: 0.2 } })))).toBeCloseTo(qualityOf(decide(input())) ?? 0, 12);
  });

  it('prices linearly: the utility subtracts costWeight × price / dearest price', () => {
    // Blended prices at 20 input + 500 output tokens: premium (3·20 + 15·500)/520 = 14.538…,
    // budget (.05·20 + .08·500)/520 = .07885. Budget's normalised price is .07885 / 14.538 = .005423.
    const d = routed(policy(input({ constraints: { costWeight: 0.5 } })));
    const budget = d.scores.find((s) => s.model === 'budget');
    expect(budget?.normalizedPrice).toBeCloseTo(41 / 7560, 9);
    // premium .6 − .5 = .1; budget .4 − .5 × .0054 = .397: budget wins.
    expect(d.model).toBe('budget');
  });

  it('sends uncovered prompts to the default model with zero confidence', () => {
    const far = EVIDENCE.map((e) => ({ ...e, similarity: e.similarity / 4 }));
    expect(routed(policy(input({ evidence: far })))).toMatchObject({ model: 'mid', reason: 'uncovered', covered: false, confidence: 0 });
    expect(routed(policy(input({ evidence: [] })))).toMatchObject({ model: 'mid', reason: 'empty_index' });
  });

  it('counts coverage support in neighbour units, so one-trial references at low similarity still cover', () => {
    // Before issue 17 decide counted Σ similarity^4 × trials = (.55^4 + .5^4) × 2 ≈ .25 < 1 → uncovered;
    // both now count neighbour units: 1 + (.5/.55)^4 ≈ 1.68 ≥ 1.
    const low = [ev(1, 0.55, { premium: win, budget: loss }), ev(2, 0.5, { premium: win, budget: loss })];
    const params = { ...PARAMS, similarityPower: 4 };
    expect(routed(decide(input({ evidence: low, params }))).covered).toBe(true);
    expect(routed(createKnnSuccessPolicy()(input({ evidence: low, params }))).covered).toBe(true);
  });

  it('honours a pinning rule and the allow-list', () => {
    const rule = { name: 'pin-mid', when: { keywords: ['x'] }, then: { pin: 'mid' } };
    expect(routed(policy(input({ rule }))).model).toBe('mid');
    expect(routed(policy(input({ constraints: { models: ['budget'] } }))).model).toBe('budget');
  });
});

describe('predictSuccess and fitKnnSuccess', () => {
  it('predicts the same numbers the policy ranks by', () => {
    const p = predictSuccess({ evidence: EVIDENCE, modelTotals: TOTALS }, ['premium', 'budget'], { priorNeighbours: 1, power: 1 });
    expect(p.get('premium')).toBeCloseTo(0.6, 12);
    expect(p.get('budget')).toBeCloseTo(0.4, 12);
  });

  it('picks little shrinkage when neighbours predict well, and much when they are noise', () => {
    const totals = new Map<string, WinRecord>([['a', { wins: 50, losses: 50, ties: 0 }]]);
    // Informative: a reference and its neighbours agree on model a's result.
    const informative: FitSample[] = Array.from({ length: 20 }, (_, i) => {
      const r = i % 2 === 0 ? win : loss;
      return { evidence: [ev(1, 0.9, { a: r }), ev(2, 0.8, { a: r })], targets: new Map([['a', i % 2 === 0 ? 1 : 0]]) };
    });
    // Noise: neighbours disagree with the reference half the time, at random.
    const noise: FitSample[] = Array.from({ length: 20 }, (_, i) => ({
      evidence: [ev(1, 0.9, { a: i % 4 < 2 ? win : loss }), ev(2, 0.8, { a: i % 4 < 2 ? win : loss })],
      targets: new Map([['a', i % 2]]),
    }));
    expect(fitKnnSuccess(informative, totals)?.priorNeighbours).toBe(1);
    expect(fitKnnSuccess(noise, totals)?.priorNeighbours).toBe(50);
    expect(fitKnnSuccess([], totals)).toBeNull();
  });
});
