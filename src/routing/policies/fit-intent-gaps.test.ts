import { describe, expect, it } from 'vitest';
import type { WinRecord } from '../../store/types.js';
import { fixedCoverageModel } from '../coverage.js';
import type { Evidence } from '../types.js';
import { fitNoHarm, MIN_INTENT_SAMPLES } from './fit-intent-gaps.js';
import { fitGapThreshold, looCurve, predict, type FitContext, type LooSample } from './fit-policy.js';

/** Price ÷ dearest: premium 1, mid 0.27, budget 0.005 (TEST_CATALOG at 20 prompt + 500 output tokens). */
const PRICES = new Map([
  ['premium', 1],
  ['mid', (0.8 * 20 + 4 * 500) / (3 * 20 + 15 * 500)],
  ['budget', (0.05 * 20 + 0.08 * 500) / (3 * 20 + 15 * 500)],
]);
const rec = (ok: boolean): WinRecord => (ok ? { wins: 1, losses: 0, ties: 0 } : { wins: 0, losses: 1, ties: 0 });
/** Hard: only premium is right. Easy: every model is. */
const outcome = (hard: boolean): Record<string, boolean> => ({ premium: true, mid: !hard, budget: !hard });
const n = MIN_INTENT_SAMPLES;

/**
 * Two intents, 3n math samples and n chat ones, half hard and half easy in each (premium always
 * right, the others half the time). In 'math' a sample's neighbours are of its own kind: they tell
 * hard from easy. In 'chat' they are of the other kind: following them sends hard prompts to budget
 * (wrong) and easy ones to premium (dear). Known answer: follow the neighbours on math, never on
 * chat; math being the larger, one gap for all follows them on chat too.
 */
function samples(): LooSample[] {
  return (['math', 'chat'] as const).flatMap((intent) =>
    Array.from({ length: intent === 'math' ? 3 * n : n }, (_, i) => {
      const hard = i % 2 === 0;
      const neighbourHard = intent === 'math' ? hard : !hard;
      const evidence: Evidence[] = Array.from({ length: 10 }, (_, j) => ({
        id: 10_000 + j,
        similarity: 0.9 - j * 0.01,
        intent,
        records: new Map(Object.entries(outcome(neighbourHard)).map(([m, ok]) => [m, rec(ok)])),
      }));
      return { evidence, targets: new Map(Object.entries(outcome(hard)).map(([m, ok]) => [m, ok ? 1 : 0])) };
    }),
  );
}

const totals = (size: number) => new Map([['premium', { wins: size, losses: 0, ties: 0 }], ['mid', { wins: size / 2, losses: size / 2, ties: 0 }], ['budget', { wins: size / 2, losses: size / 2, ties: 0 }]]);
const CTX: FitContext = {
  models: ['premium', 'mid', 'budget'],
  normalizedPrice: PRICES,
  modelTotals: totals(4 * n),
  intentTotals: new Map([['math', totals(3 * n)], ['chat', totals(n)]]),
  coverage: { model: fixedCoverageModel(0.5), k: 50, similarityPower: 4 },
  minSupport: 1,
};

describe('fitNoHarm (the gap threshold per intent)', () => {
  const all = samples();
  const predictions = predict(all, CTX, { k: 10, similarityPower: 1, priorStrength: 0.5 });
  const indices = (intent: string) => all.flatMap((_, i) => (predictions.intent[i] === intent ? [i] : []));
  // One fit for both tests: each sweeps 8 thresholds × 49 cost weights over 400 samples, twice.
  const fit = fitNoHarm(all, predictions, CTX);

  it('follows the neighbours where they tell prompts apart and never where they mislead', () => {
    expect(fit.intentGaps.get('chat')).toBe(Infinity);
    expect(Number.isFinite(fit.intentGaps.get('math') ?? Infinity)).toBe(true);
  });

  it('keeps each intent at or above its own ranking on the references, where one global gap does not', () => {
    const global = fitGapThreshold(all, predictions, CTX);
    const chat = indices('chat');
    const sub = { quality: chat.map((i) => predictions.quality[i] ?? new Float64Array()), covered: chat.map(() => true), ranking: chat.map((i) => predictions.ranking[i] ?? new Float64Array()), intent: chat.map(() => 'chat') };
    const chatSamples = chat.flatMap((i) => all[i] ?? []);
    const curveAt = (gapThreshold: number, intentGaps?: ReadonlyMap<string, number>) => looCurve(chatSamples, sub, { ctx: CTX, gapThreshold, ...(intentGaps ? { intentGaps } : {}) });
    const ranking = curveAt(Infinity);
    // Known answer: the global fit follows the neighbours (they pay on math), which costs chat quality.
    expect(Number.isFinite(global.gapThreshold)).toBe(true);
    expect(curveAt(global.gapThreshold).some((p, c) => p.quality < (ranking[c]?.quality ?? 0) - 0.1)).toBe(true);
    // Per intent, chat's sweep is its ranking's, point for point.
    expect(curveAt(global.gapThreshold, fit.intentGaps)).toEqual(ranking);
    expect(fit.aiq ?? 0).toBeGreaterThan(global.zeroRouterAiq ?? 1);
  });
});
