import { z } from 'zod';
import type { RoutingConfig } from '../config/schema.js';
import type { ReferenceIndex } from '../routing/reference-index.js';
import { fixedCoverageModel, type CoverageModel } from '../routing/coverage.js';
import type { Logger } from '../shared/logger.js';
import type { MetaStore } from '../store/meta-store.js';
import type { SqliteReferenceStore } from '../store/reference-store.js';
import type { BackgroundSet } from './background.js';
import { calibrateCoverageThreshold, type CalibrationSample } from './calibrate.js';
import { calibrateAgainstBackground } from './calibrate-background.js';
import { decodeCentroids, encodeCentroids, intentCentroids } from './intent-centroids.js';

/** Used when 'auto' has too few same-intent pairs to fit a threshold. */
export const FALLBACK_THRESHOLD = 0.5;
const META_KEY = 'coverage_calibration';
const CALIBRATION_VERSION = 'v2';

/**
 * Reference edits (admin API) between calibrations that reuse the last one, as a share of the
 * references: a calibration searches the index ~700 times (about a second on a loaded 2-core
 * machine with 351 references), too much to repeat on every single edit; a few edits hardly move it.
 */
export const RECALIBRATE_AFTER_SHARE = 0.02;

const StoredCalibrationSchema = z.object({
  key: z.string(),
  generation: z.number(),
  references: z.number(),
  threshold: z.number(),
  intentOffsets: z.record(z.string(), z.number()),
  topN: z.number().int().positive(),
  source: z.enum(['background', 'references']),
  /** Per intent, base64 float32 (intent-centroids.ts). */
  intentCentroids: z.record(z.string(), z.string()),
});

export interface CoverageModelDeps {
  readonly references: SqliteReferenceStore;
  readonly meta: MetaStore;
  readonly index: Pick<ReferenceIndex, 'search'>;
  readonly embedderKey: string;
  /** Absent or too small: the older reference-only percentile is used. */
  readonly background?: BackgroundSet;
  readonly logger: Logger;
}

/**
 * The coverage test in force: the configured number (top-1 similarity), or for 'auto' a calibration
 * against the background set (coverage/calibrate-background.ts), cached in meta and recomputed when
 * the embedder, the background set or the calibration knobs change, or more than
 * RECALIBRATE_AFTER_SHARE of the references changed since. Runs at start and
 * when the router is rebuilt (reference edits, reloads), never on a request.
 */
export function resolveCoverageModel(deps: CoverageModelDeps, routing: RoutingConfig): CoverageModel {
  if (routing.coverageThreshold !== 'auto') return fixedCoverageModel(routing.coverageThreshold);
  const key = cacheKey(deps, routing);
  const generation = deps.references.generation();
  const cached = readCached(deps.meta.get(META_KEY), key, generation);
  if (cached) return cached;
  const model = calibrate(deps, routing);
  if (model.source !== 'fallback') {
    const references = deps.references.count();
    const stored = {
      ...{ key, generation, references, threshold: model.threshold, intentOffsets: Object.fromEntries(model.intentOffsets), topN: model.topN, source: model.source },
      intentCentroids: encodeCentroids(model.intentCentroids ?? new Map()),
    };
    deps.meta.set(META_KEY, JSON.stringify(stored));
  }
  return model;
}

function calibrate(deps: CoverageModelDeps, routing: RoutingConfig): CoverageModel {
  const samples = referenceSamples(deps.references);
  const search = (v: Float32Array, k: number) => deps.index.search(v, k);
  const vectors = deps.background?.vectors ?? [];
  const fitted = calibrateAgainstBackground(samples, vectors, search, {
    falseCoveredRate: routing.backgroundFalseCoveredRate,
    k: routing.k,
    similarityPower: routing.similarityPower,
  });
  if (fitted) {
    const { model, backgroundCovered, backgroundPrompts } = fitted;
    deps.logger.info(
      { threshold: round(model.threshold), intents: model.intentOffsets.size, backgroundCovered, backgroundPrompts },
      'calibrated the coverage test against the background set',
    );
    return model;
  }
  const byPercentile = calibrateCoverageThreshold(samples, search, { percentile: routing.calibrationPercentile });
  if (!byPercentile) {
    deps.logger.warn({ threshold: FALLBACK_THRESHOLD }, 'too few labelled references to calibrate the coverage threshold; using the fallback');
    return { ...fixedCoverageModel(FALLBACK_THRESHOLD), source: 'fallback' };
  }
  deps.logger.warn(
    { threshold: round(byPercentile.threshold), backgroundPrompts: vectors.length },
    'no background set to calibrate against; the coverage threshold is a percentile of same-intent similarity, which knows nothing of off-topic prompts',
  );
  return { ...fixedCoverageModel(byPercentile.threshold), source: 'references', intentCentroids: intentCentroids(samples) };
}

function referenceSamples(references: SqliteReferenceStore): CalibrationSample[] {
  const intents = new Map(references.texts().map((t) => [t.id, t.intent]));
  return [...references.vectors()].map(({ id, vector }) => ({ id, vector, intent: intents.get(id) ?? null }));
}

function cacheKey(deps: CoverageModelDeps, routing: RoutingConfig): string {
  const knobs = [routing.backgroundFalseCoveredRate, routing.k, routing.similarityPower, routing.calibrationPercentile];
  // CALIBRATION_VERSION: a calibration stored by an older release (no centroids) is redone once.
  return [CALIBRATION_VERSION, deps.embedderKey, deps.background?.hash ?? 'none', ...knobs].join('|');
}

/** The stored calibration, if it is for this embedder, background and knobs, and few references changed since. */
function readCached(raw: string | undefined, key: string, generation: number): CoverageModel | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = StoredCalibrationSchema.safeParse(JSON.parse(raw));
    if (!parsed.success || parsed.data.key !== key) return undefined;
    const edits = generation - parsed.data.generation;
    if (edits < 0 || edits > Math.floor(RECALIBRATE_AFTER_SHARE * parsed.data.references)) return undefined;
    const { threshold, intentOffsets, topN, source } = parsed.data;
    return { threshold, intentOffsets: new Map(Object.entries(intentOffsets)), topN, source, intentCentroids: decodeCentroids(parsed.data.intentCentroids) };
  } catch {
    return undefined;
  }
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
