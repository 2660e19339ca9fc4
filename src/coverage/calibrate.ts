import type { Neighbor } from '../index/vector-index.js';

export interface CalibrationSample {
  readonly id: number;
  readonly intent: string | null;
  readonly vector: Float32Array;
}

export interface Calibration {
  readonly threshold: number;
  /** References that had a same-intent neighbour among their nearest ones. */
  readonly samples: number;
  readonly percentile: number;
}

/**
 * Fits the coverage threshold to the reference set and the active embedder: for every reference,
 * the similarity of its nearest *same-intent* neighbour; the threshold is a low percentile of those.
 * A prompt less similar to every reference than most references are to their own kind is uncovered.
 * Returns null when too few references share an intent to say anything.
 */
export function calibrateCoverageThreshold(
  references: Iterable<CalibrationSample>,
  search: (vector: Float32Array, k: number) => readonly Neighbor[],
  options: { percentile: number; neighbours?: number },
): Calibration | null {
  const intentOf = new Map<number, string | null>();
  const all: CalibrationSample[] = [];
  for (const r of references) {
    intentOf.set(r.id, r.intent);
    all.push(r);
  }
  const sims: number[] = [];
  for (const r of all) {
    if (r.intent === null) continue;
    const hit = search(r.vector, (options.neighbours ?? 10) + 1).find((n) => n.label !== r.id && intentOf.get(n.label) === r.intent);
    if (hit) sims.push(hit.similarity);
  }
  if (sims.length < 5) return null;
  return { threshold: percentile(sims, options.percentile), samples: sims.length, percentile: options.percentile };
}

/** Linear-interpolated percentile (p in [0,100]) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (pos - lo);
}
