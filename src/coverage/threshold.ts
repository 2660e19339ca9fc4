import { z } from 'zod';
import type { RoutingConfig } from '../config/schema.js';
import type { ReferenceIndex } from '../routing/reference-index.js';
import type { Logger } from '../shared/logger.js';
import type { MetaStore } from '../store/meta-store.js';
import type { SqliteReferenceStore } from '../store/reference-store.js';
import { calibrateCoverageThreshold } from './calibrate.js';

/** Used when 'auto' has too few same-intent pairs to fit a threshold. */
export const FALLBACK_THRESHOLD = 0.5;
const META_KEY = 'coverage_calibration';

const StoredCalibrationSchema = z.object({
  threshold: z.number(),
  samples: z.number(),
  percentile: z.number(),
  generation: z.number(),
  embedder: z.string(),
});
type StoredCalibration = z.infer<typeof StoredCalibrationSchema>;

/**
 * The coverage threshold in force: the configured number, or (for 'auto') a calibration of the
 * current reference set under the current embedder, cached in meta until either changes.
 */
export function resolveCoverageThreshold(
  deps: { references: SqliteReferenceStore; meta: MetaStore; index: ReferenceIndex; embedderKey: string; logger: Logger },
  routing: RoutingConfig,
): number {
  if (routing.coverageThreshold !== 'auto') return routing.coverageThreshold;
  const generation = deps.references.generation();
  const cached = readCached(deps.meta.get(META_KEY));
  if (cached && cached.generation === generation && cached.embedder === deps.embedderKey && cached.percentile === routing.calibrationPercentile) {
    return cached.threshold;
  }
  const intents = new Map(deps.references.texts().map((t) => [t.id, t.intent]));
  const samples = (function* () {
    for (const { id, vector } of deps.references.vectors()) yield { id, vector, intent: intents.get(id) ?? null };
  })();
  const calibration = calibrateCoverageThreshold(samples, (v, k) => deps.index.search(v, k), { percentile: routing.calibrationPercentile });
  if (!calibration) {
    deps.logger.warn({ threshold: FALLBACK_THRESHOLD }, 'too few labelled references to calibrate the coverage threshold; using the fallback');
    return FALLBACK_THRESHOLD;
  }
  const stored: StoredCalibration = { ...calibration, generation, embedder: deps.embedderKey };
  deps.meta.set(META_KEY, JSON.stringify(stored));
  deps.logger.info({ threshold: calibration.threshold, samples: calibration.samples, percentile: calibration.percentile }, 'calibrated the coverage threshold');
  return calibration.threshold;
}

function readCached(raw: string | undefined): StoredCalibration | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = StoredCalibrationSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
