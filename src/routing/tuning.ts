import { z } from 'zod';
import { blendedPricePer1M, estimateTokens } from '../config/catalog.js';
import type { CatalogModel, RoutingConfig } from '../config/schema.js';
import type { MetaStore } from '../store/meta-store.js';
import type { SqliteReferenceStore } from '../store/reference-store.js';
import {
  fitEstimator,
  K_GRID,
  predict,
  singleModelPoints,
  type FitContext,
  type LooPoint,
  type LooSample,
} from './policies/fit-policy.js';
import { fitNoHarm } from './policies/fit-intent-gaps.js';
import { leaveOneOutSamples } from './loo-samples.js';
import type { ReferenceIndex } from './reference-index.js';
import type { CoverageTest } from './coverage.js';

/** Fewer samples than this cannot tell settings apart: the configured values stay in force. */
export const MIN_FIT_SAMPLES = 30;
const META_KEY = 'routing_fit';

const PointSchema = z.object({ costWeight: z.number(), quality: z.number(), cost: z.number(), neighbourShare: z.number() });
export const RoutingFitSchema = z.object({
  k: z.number(),
  similarityPower: z.number(),
  priorStrength: z.number(),
  /** JSON has no Infinity: null stands for "always the ranking". */
  gapThreshold: z.number().nullable(),
  /** Per intent with enough samples, its own gap threshold (policies/fit-intent-gaps.ts); null = ∞. */
  intentGaps: z.record(z.string(), z.number().nullable()).default({}),
  brier: z.number(),
  samples: z.number(),
  /** LOO AIQ of the fitted policy and of the ranking alone (gap threshold ∞: the zero router, per intent when intents are known). */
  looAiq: z.number().nullable(),
  zeroRouterLooAiq: z.number().nullable(),
  best: z.object({ model: z.string(), quality: z.number(), cost: z.number() }),
  curve: z.array(PointSchema),
  seconds: z.number(),
});
/** The fitted policy settings and the leave-one-out curve a target is calibrated on. */
export type RoutingFit = z.infer<typeof RoutingFitSchema>;

export interface TuningDeps {
  readonly references: SqliteReferenceStore;
  readonly index: Pick<ReferenceIndex, 'search'>;
  readonly catalog: readonly CatalogModel[];
  readonly routing: RoutingConfig;
  /** The router's coverage test; the fit judges each held-out reference's coverage by it. */
  readonly coverage: CoverageTest;
}

/**
 * Fits k, similarity power, prior strength and the no-harm gap threshold by leave-one-out on up to
 * `routing.tune.maxSamples` references with records (see policies/fit-policy.ts). Bounded: the
 * sample count caps the searches and the grid. Null when too few references carry records.
 */
export function fitRouting(deps: TuningDeps): RoutingFit | null {
  const started = performance.now();
  const kMax = Math.max(...K_GRID, deps.coverage.k);
  const samples = leaveOneOutSamples(deps, { k: kMax, max: deps.routing.tune.maxSamples });
  if (samples.length < MIN_FIT_SAMPLES) return null;
  const ctx = fitContext(deps, medianTokens(deps.references, samples.map((s) => s.id)));
  const estimator = fitEstimator(samples, ctx);
  if (!estimator) return null;
  const predictions = predict(samples, ctx, estimator);
  const gap = fitNoHarm(samples, predictions, ctx);
  const best = [...singleModelPoints(samples, ctx)].sort((a, b) => b.quality - a.quality || a.cost - b.cost)[0] ?? { model: '', quality: 0, cost: 0 };
  return {
    ...estimator,
    gapThreshold: Number.isFinite(gap.gapThreshold) ? gap.gapThreshold : null,
    intentGaps: Object.fromEntries([...gap.intentGaps].map(([intent, g]) => [intent, Number.isFinite(g) ? g : null])),
    samples: samples.length,
    looAiq: gap.aiq,
    zeroRouterLooAiq: gap.zeroRouterAiq,
    best,
    curve: gap.curve.map(roundPoint),
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The fit in force: none when tuning is off; else the one cached in meta while the records (each
 * model's totals), the embedder and the routing settings are unchanged, or a fresh fit (then
 * cached). Adding or removing references without records keeps the fit, so admin edits do not
 * refit on the request path; `force` refits anyway (the seed command, on demand).
 */
export function resolveRoutingFit(deps: TuningDeps & { meta: MetaStore; embedderKey: string; force?: boolean }): RoutingFit | null {
  if (!deps.routing.tune.enabled) return null;
  const totals = [...deps.references.modelTotals()].sort(([a], [b]) => a.localeCompare(b));
  const key = JSON.stringify({
    totals,
    intents: [...deps.references.intentTotals()].map(([intent, byModel]) => [intent, [...byModel].sort(([a], [b]) => a.localeCompare(b))]).sort(([a], [b]) => String(a).localeCompare(String(b))),
    embedder: deps.embedderKey,
    minSupport: deps.routing.minSupport,
    coverage: coverageKey(deps.coverage),
    maxSamples: deps.routing.tune.maxSamples,
    outputTokens: deps.routing.expectedOutputTokens,
    catalog: deps.catalog.map((m) => [m.id, m.inputPricePer1M, m.outputPricePer1M]),
  });
  const cached = deps.force ? undefined : readCached(deps.meta.get(META_KEY), key);
  if (cached !== undefined) return cached;
  const fit = fitRouting(deps);
  deps.meta.set(META_KEY, JSON.stringify({ key, fit }));
  return fit;
}

/** The coverage test as the cache key sees it: a recalibration refits, since it moves which samples are covered. */
function coverageKey(test: CoverageTest): unknown {
  const offsets = [...test.model.intentOffsets].sort(([a], [b]) => a.localeCompare(b));
  return [test.model.threshold, test.model.topN, offsets, test.k, test.similarityPower];
}

function readCached(raw: string | undefined, key: string): RoutingFit | null | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = z.object({ key: z.string(), fit: RoutingFitSchema.nullable() }).safeParse(JSON.parse(raw));
    return parsed.success && parsed.data.key === key ? parsed.data.fit : undefined;
  } catch {
    return undefined;
  }
}

/** The gap threshold as the policy takes it (null in JSON = Infinity). */
export function gapThresholdOf(fit: RoutingFit): number {
  return fit.gapThreshold ?? Infinity;
}

/** The per-intent gap thresholds as the policy takes them. */
export function intentGapsOf(fit: RoutingFit): Map<string, number> {
  return new Map(Object.entries(fit.intentGaps).map(([intent, g]) => [intent, g ?? Infinity]));
}

/** The curve as calibrateTarget reads it. */
export function curveOf(fit: RoutingFit): LooPoint[] {
  return fit.curve;
}

function fitContext(deps: TuningDeps, promptTokens: number): FitContext {
  const out = deps.routing.expectedOutputTokens;
  const prices = deps.catalog.map((m) => blendedPricePer1M(m, promptTokens, out));
  const dearest = Math.max(0, ...prices);
  return {
    models: deps.catalog.map((m) => m.id),
    normalizedPrice: new Map(deps.catalog.map((m, i) => [m.id, dearest > 0 ? (prices[i] ?? 0) / dearest : 0])),
    modelTotals: deps.references.modelTotals(),
    intentTotals: deps.references.intentTotals(),
    coverage: deps.coverage,
    minSupport: deps.routing.minSupport,
  };
}

/** Median estimated prompt tokens of the sampled references: one price vector for the whole fit. */
function medianTokens(references: SqliteReferenceStore, ids: readonly number[]): number {
  const refs = references.references(ids.slice(0, 500));
  const tokens = [...refs.values()].map((r) => estimateTokens(r.text)).sort((a, b) => a - b);
  return tokens[Math.floor(tokens.length / 2)] ?? 0;
}

function roundPoint(p: LooPoint): LooPoint {
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  return { costWeight: p.costWeight, quality: r(p.quality), cost: r(p.cost), neighbourShare: r(p.neighbourShare) };
}

export type { LooSample };
