import { fitGapThreshold, looAiq, looCurve, singleModelPoints, type FitContext, type GapFit, type LooSample, type Predictions } from './fit-policy.js';

/** An intent with fewer held-out samples than this keeps the global gap threshold: too few to tell settings apart. */
export const MIN_INTENT_SAMPLES = 100;

export interface NoHarmFit extends GapFit {
  /** Per intent with enough samples: its own gap threshold (∞: always its ranking). */
  readonly intentGaps: ReadonlyMap<string, number>;
}

/**
 * The no-harm guard fitted per intent. The zero router a router must beat is judged per task, so
 * one gap threshold fitted on all references can trade one intent's loss for another's gain. Here
 * each intent with at least MIN_INTENT_SAMPLES held-out samples gets the gap threshold whose LOO
 * sweep over its own samples has the largest AIQ (∞ is on the grid: never below its ranking alone);
 * the others keep the global one (`fitGapThreshold` over all samples). The curve and AIQ returned
 * are those of the combined policy, which `decide` reproduces (`PolicyInput.intentGaps`).
 */
export function fitNoHarm(samples: readonly LooSample[], predictions: Predictions, ctx: FitContext): NoHarmFit {
  const global = fitGapThreshold(samples, predictions, ctx);
  const intentGaps = new Map<string, number>();
  for (const [intent, indices] of samplesByIntent(predictions)) {
    if (indices.length < MIN_INTENT_SAMPLES) continue;
    const subset = indices.flatMap((i) => samples[i] ?? []);
    intentGaps.set(intent, fitGapThreshold(subset, pick(predictions, indices), ctx).gapThreshold);
  }
  if (intentGaps.size === 0) return { ...global, intentGaps };
  const curve = looCurve(samples, predictions, { ctx, gapThreshold: global.gapThreshold, intentGaps });
  return { ...global, intentGaps, curve, aiq: looAiq(curve, singleModelPoints(samples, ctx)) };
}

function samplesByIntent(predictions: Predictions): Map<string, number[]> {
  const byIntent = new Map<string, number[]>();
  predictions.intent.forEach((intent, i) => {
    if (intent === null) return;
    const indices = byIntent.get(intent) ?? [];
    byIntent.set(intent, indices);
    indices.push(i);
  });
  return byIntent;
}

function pick(p: Predictions, indices: readonly number[]): Predictions {
  return {
    quality: indices.map((i) => p.quality[i] ?? new Float64Array()),
    covered: indices.map((i) => p.covered[i] ?? false),
    ranking: indices.map((i) => p.ranking[i] ?? new Float64Array()),
    intent: indices.map((i) => p.intent[i] ?? null),
  };
}
