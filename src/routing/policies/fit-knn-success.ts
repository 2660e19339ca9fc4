import type { WinRecord } from '../../store/types.js';
import type { Evidence } from '../types.js';
import { predictSuccess } from './knn-success.js';

/** A reference seen as if it were a new prompt: its neighbours without itself, and what each model scored on it. */
export interface FitSample {
  readonly evidence: readonly Evidence[];
  /** Its own rate per model (wins + ties/2 over trials). */
  readonly targets: ReadonlyMap<string, number>;
}

export interface KnnSuccessFit {
  readonly priorNeighbours: number;
  readonly power: number;
  /** Mean squared error of the predicted success against the held-out rates. */
  readonly brier: number;
  readonly samples: number;
}

export const PRIOR_GRID: readonly number[] = [1, 2, 5, 10, 20, 50];
export const POWER_GRID: readonly number[] = [1, 4];

/**
 * Leave-one-out calibration of knn-success on a reference set: every grid setting predicts each
 * sample's per-model rates from its neighbours, and the setting with the lowest Brier score wins.
 * Too little shrinkage shows up as over-confident predictions (the winner's curse on the chosen
 * model), too much as predictions that ignore the neighbourhood. Null without samples.
 */
export function fitKnnSuccess(
  samples: readonly FitSample[],
  modelTotals: ReadonlyMap<string, WinRecord>,
  grid: { priors?: readonly number[]; powers?: readonly number[] } = {},
): KnnSuccessFit | null {
  let best: KnnSuccessFit | null = null;
  for (const power of grid.powers ?? POWER_GRID) {
    for (const priorNeighbours of grid.priors ?? PRIOR_GRID) {
      const brier = brierScore(samples, modelTotals, { priorNeighbours, power });
      if (brier !== null && (best === null || brier < best.brier)) best = { priorNeighbours, power, brier, samples: samples.length };
    }
  }
  return best;
}

function brierScore(samples: readonly FitSample[], modelTotals: ReadonlyMap<string, WinRecord>, options: { priorNeighbours: number; power: number }): number | null {
  let sum = 0;
  let n = 0;
  for (const sample of samples) {
    const predicted = predictSuccess({ evidence: sample.evidence, modelTotals }, [...sample.targets.keys()], options);
    for (const [model, target] of sample.targets) {
      sum += ((predicted.get(model) ?? 0.5) - target) ** 2;
      n += 1;
    }
  }
  return n === 0 ? null : sum / n;
}
