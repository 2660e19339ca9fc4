import { describe, expect, it } from 'vitest';
import { TEST_CATALOG } from '../../test/helpers/catalog.js';
import type { WinRecord } from '../store/types.js';
import { decide, normalCdf } from './policy.js';
import type { Decision, Evidence, PolicyInput, PolicyParams } from './types.js';

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

function rec(wins: number, losses: number, ties = 0): WinRecord {
  return { wins, losses, ties };
}

function ev(id: number, similarity: number, records: Record<string, WinRecord>, intent = 'code'): Evidence {
  return { id, similarity, intent, records: new Map(Object.entries(records)) };
}

function run(overrides: Partial<Omit<PolicyInput, 'params'>> & { params?: Partial<PolicyParams> } = {}): Decision {
  return decide({
    evidence: [],
    modelTotals: new Map(),
    catalog: TEST_CATALOG,
    constraints: {},
    promptTokens: 20,
    ...overrides,
    params: { ...PARAMS, ...overrides.params },
  });
}

function routed(d: Decision): Extract<Decision, { kind: 'routed' }> {
  if (d.kind !== 'routed') throw new Error(`expected a routed decision, got ${d.kind}`);
  return d;
}

describe('decide', () => {
  it('gives the default model with reason empty_index when there are no neighbours', () => {
    const d = routed(run());
    expect(d).toMatchObject({ model: 'mid', reason: 'empty_index', covered: false, confidence: 0, topSimilarity: null });
    expect(d.fallbacks).toHaveLength(2);
  });

  it('picks the model the close neighbours favour', () => {
    const evidence = [ev(1, 0.9, { premium: rec(8, 2), budget: rec(2, 8) }), ev(2, 0.8, { premium: rec(6, 2), budget: rec(1, 7) })];
    const d = routed(run({ evidence }));
    expect(d.model).toBe('premium');
    expect(d.reason).toBe('covered');
    expect(d.confidence).toBeGreaterThan(0.5);
    expect(d.intent).toBe('code');
  });

  it('abstains to the default when every neighbour is below the threshold', () => {
    const evidence = [ev(1, 0.3, { premium: rec(9, 1) }), ev(2, 0.2, { premium: rec(9, 1) })];
    const d = routed(run({ evidence }));
    expect(d).toMatchObject({ model: 'mid', reason: 'uncovered', covered: false, confidence: 0, topSimilarity: 0.3 });
  });

  it('is uncovered when similar neighbours carry too little evidence', () => {
    const d = routed(run({ evidence: [ev(1, 0.95, {})] }));
    expect(d.covered).toBe(false);
    expect(d.reason).toBe('uncovered');
  });

  it('lets a long strong record beat two lucky trials', () => {
    const totals = new Map([['mid', rec(10, 90)], ['premium', rec(70, 30)]]);
    const evidence = [ev(1, 0.9, { mid: rec(2, 0), premium: rec(16, 4) })];
    expect(routed(run({ evidence, modelTotals: totals })).model).toBe('premium');
  });

  it('breaks exact utility ties by price, deterministically', () => {
    const evidence = [ev(1, 0.9, { premium: rec(5, 5), mid: rec(5, 5), budget: rec(5, 5) })];
    const first = routed(run({ evidence }));
    expect(first.model).toBe('budget');
    expect(first.fallbacks).toEqual(['mid', 'premium']);
    expect(routed(run({ evidence }))).toEqual(first);
  });

  it('prefers the cheap model when quality is close and cost matters', () => {
    const evidence = [ev(1, 0.9, { premium: rec(6, 4), budget: rec(5, 5) })];
    expect(routed(run({ evidence })).model).toBe('premium');
    expect(routed(run({ evidence, constraints: { costWeight: 0.5 } })).model).toBe('budget');
  });

  it('with one eligible model routes to it with full confidence', () => {
    const evidence = [ev(1, 0.9, { premium: rec(9, 1), budget: rec(1, 9) })];
    const d = routed(run({ evidence, constraints: { models: ['budget'] } }));
    expect(d).toMatchObject({ model: 'budget', fallbacks: [], confidence: 1 });
    expect(d.excluded.map((e) => e.model).sort()).toEqual(['mid', 'premium']);
  });

  it('ignores unknown models in the allow-list and refuses when none is left', () => {
    const d = run({ constraints: { models: ['no-such-model'] } });
    expect(d.kind).toBe('no_eligible_model');
    const mixed = routed(run({ constraints: { models: ['no-such-model', 'budget'] } }));
    expect(mixed.model).toBe('budget');
  });

  it('never picks a model over maxPricePer1M, even as the default', () => {
    const evidence = [ev(1, 0.9, { premium: rec(10, 0), budget: rec(0, 10) })];
    const d = routed(run({ evidence, constraints: { maxPricePer1M: 1 } }));
    expect(d.model).toBe('budget');
    expect(d.fallbacks).toEqual([]);
    const uncovered = routed(run({ constraints: { maxPricePer1M: 1 } }));
    expect(uncovered).toMatchObject({ model: 'budget', reason: 'default_not_eligible' });
  });

  it('drops models whose context window is too small for the prompt', () => {
    const d = routed(run({ promptTokens: 10_000 }));
    expect(d.excluded).toEqual([{ model: 'budget', why: 'context_too_small' }]);
  });

  it('takes the intent from the weighted neighbour vote', () => {
    const evidence = [ev(1, 0.6, {}, 'chat'), ev(2, 0.59, {}, 'math'), ev(3, 0.58, {}, 'math')];
    expect(routed(run({ evidence })).intent).toBe('math');
  });

  it('keeps scores within range and ordered by utility', () => {
    const evidence = [ev(1, 0.7, { premium: rec(3, 1, 2), mid: rec(2, 2, 2) }), ev(2, 0.6, { budget: rec(1, 3) })];
    const d = routed(run({ evidence, params: { costWeight: 0.3 } }));
    for (const s of d.scores) {
      expect(s.quality).toBeGreaterThanOrEqual(0);
      expect(s.quality).toBeLessThanOrEqual(1);
      expect(s.normalizedPrice).toBeGreaterThanOrEqual(0);
      expect(s.normalizedPrice).toBeLessThanOrEqual(1);
    }
    const utilities = d.scores.map((s) => s.utility);
    expect([...utilities].sort((a, b) => b - a)).toEqual(utilities);
  });
});

describe('normalCdf', () => {
  it('matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    expect(normalCdf(-1.96)).toBeCloseTo(0.025, 3);
  });

  describe('no-harm guard: the global ranking unless the neighbours predict enough gain', () => {
    // Global rates premium .8, budget .6. One neighbour (weight 1) with budget right and premium wrong,
    // prior 4: premium (0 + 4·.8)/5 = .64, budget (1 + 4·.6)/5 = .68, so the neighbours gain .04 at costWeight 0.
    const totals = new Map([['premium', rec(80, 20)], ['budget', rec(60, 40)], ['mid', rec(70, 30)]]);
    const evidence = [ev(1, 0.9, { premium: rec(0, 1), budget: rec(1, 0), mid: rec(0, 1) })];

    it('follows the neighbours when the gain reaches gapThreshold', () => {
      const d = routed(run({ evidence, modelTotals: totals, params: { gapThreshold: 0.03 } }));
      expect(d).toMatchObject({ model: 'budget', basis: 'neighbours', reason: 'covered' });
      expect(d.gain).toBeCloseTo(0.04, 12);
    });

    it('keeps the global ranking’s model when the gain is below gapThreshold, and says so', () => {
      const d = routed(run({ evidence, modelTotals: totals, params: { gapThreshold: 0.05 } }));
      expect(d).toMatchObject({ model: 'premium', basis: 'global_ranking', reason: 'covered', covered: true });
      expect(d.gain).toBeCloseTo(0.04, 12);
      expect(routed(run({ evidence, modelTotals: totals, params: { gapThreshold: Infinity } })).model).toBe('premium');
    });

    it('sends uncovered prompts to the default model unless told to use the global ranking', () => {
      const far = [ev(1, 0.3, { premium: rec(0, 1), budget: rec(1, 0) })];
      expect(routed(run({ evidence: far, modelTotals: totals }))).toMatchObject({ model: 'mid', basis: 'default_model', reason: 'uncovered', gain: null });
      const global = { uncoveredModel: 'global_ranking' as const };
      expect(routed(run({ evidence: far, modelTotals: totals, params: global }))).toMatchObject({ model: 'premium', basis: 'global_ranking', reason: 'uncovered', gain: null });
      // costWeight 1: premium .8 − 1 = −.2, mid .7 − .267 = .433, budget .6 − .005 = .595.
      expect(routed(run({ evidence: far, modelTotals: totals, params: global, constraints: { costWeight: 1 } })).model).toBe('budget');
    });

    describe('per intent: the ranking of the intent the neighbours vote for', () => {
      // Over all references premium is best (.8); over the 'chat' references budget is (95/100 vs 90/100).
      // Shrunk by 10 pseudo-trials at the global rate: budget (95 + 6)/110 = .918, premium (90 + 8)/110 = .891.
      const intentTotals = new Map([['chat', new Map([['premium', rec(90, 10)], ['budget', rec(95, 5)], ['mid', rec(50, 50)]])]]);
      // The neighbour favours premium (1–0) over budget (0–1): premium .913 vs budget .734 (prior 4), a gain of .18.
      const chat = [ev(1, 0.9, { premium: rec(1, 0), budget: rec(0, 1), mid: rec(0, 1) }, 'chat')];

      it('falls back to the intent’s best model, not the global one, and names the intent', () => {
        const d = routed(run({ evidence: chat, modelTotals: totals, intentTotals, params: { gapThreshold: Infinity } }));
        expect(d).toMatchObject({ model: 'budget', basis: 'intent_ranking', rankingIntent: 'chat', reason: 'covered' });
        expect(d.scores.find((s) => s.model === 'budget')?.prior).toBeCloseTo(101 / 110, 12);
        expect(d.gain).toBeCloseTo((1 + 4 * (98 / 110)) / 5 - (0 + 4 * (101 / 110)) / 5, 12);
      });

      it('follows the neighbours when their gain over the intent’s choice reaches gapThreshold', () => {
        expect(routed(run({ evidence: chat, modelTotals: totals, intentTotals, params: { gapThreshold: 0.1 } }))).toMatchObject({ model: 'premium', basis: 'neighbours' });
      });

      it('applies the gap threshold fitted for the prompt’s intent over the global one', () => {
        const intentGaps = new Map([['chat', Infinity]]);
        expect(routed(run({ evidence: chat, modelTotals: totals, intentTotals, intentGaps, params: { gapThreshold: 0 } }))).toMatchObject({ model: 'budget', basis: 'intent_ranking' });
        const lower = new Map([['chat', 0.1]]);
        expect(routed(run({ evidence: chat, modelTotals: totals, intentTotals, intentGaps: lower, params: { gapThreshold: Infinity } }))).toMatchObject({ model: 'premium', basis: 'neighbours' });
      });

      it('ranks an uncovered prompt by its neighbours’ intent too, unless its text says nothing', () => {
        const far = [ev(1, 0.3, { premium: rec(1, 0), budget: rec(0, 1) }, 'chat')];
        const params = { uncoveredModel: 'global_ranking' as const };
        const d = routed(run({ evidence: far, modelTotals: totals, intentTotals, params }));
        expect(d).toMatchObject({ model: 'budget', basis: 'intent_ranking', rankingIntent: 'chat', reason: 'uncovered', covered: false });
        const language = { covered: false, reason: 'language' as const, score: 0.3, threshold: 0.5, nearestIntent: 'chat', nearestSimilarity: 0.3 };
        expect(routed(run({ evidence: far, modelTotals: totals, intentTotals, params, coverage: language }))).toMatchObject({ model: 'premium', basis: 'global_ranking', rankingIntent: null });
      });

      it('keeps the global ranking for an intent without records, and without intent totals', () => {
        const other = [ev(1, 0.9, { premium: rec(1, 0), budget: rec(0, 1), mid: rec(0, 1) }, 'math')];
        const params = { gapThreshold: Infinity };
        expect(routed(run({ evidence: other, modelTotals: totals, intentTotals, params }))).toMatchObject({ model: 'premium', rankingIntent: null });
        expect(routed(run({ evidence: chat, modelTotals: totals, params }))).toMatchObject({ model: 'premium', rankingIntent: null });
      });
    });

    it('falls back to the global ranking when the default model is not eligible', () => {
      const far = [ev(1, 0.3, { premium: rec(0, 1), budget: rec(1, 0) })];
      const d = routed(run({ evidence: far, modelTotals: totals, constraints: { models: ['premium', 'budget'] } }));
      expect(d).toMatchObject({ model: 'premium', basis: 'global_ranking', reason: 'default_not_eligible' });
    });
  });
});
