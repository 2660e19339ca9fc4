import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootstrap, buildRouter, type Deps } from '../cli/bootstrap.js';
import { estimateTokens } from '../config/catalog.js';
import type { Config } from '../config/schema.js';
import type { Embedder } from '../embedding/embedder.js';
import { fitKnnSuccess, type KnnSuccessFit } from '../routing/policies/fit-knn-success.js';
import { createKnnSuccessPolicy, type Policy } from '../routing/policies/knn-success.js';
import { POLICIES, type PolicyName } from '../routing/policies/registry.js';
import type { CoverageVerdict } from '../routing/coverage.js';
import type { IntentTotals } from '../routing/ranking.js';
import type { Decision, PolicyInput, PolicyParams } from '../routing/types.js';
import type { RoutingTarget } from '../routing/policies/target.js';
import type { RoutingFit } from '../routing/tuning.js';
import type { Logger } from '../shared/logger.js';
import type { Fold } from './folds.js';
import { leaveOneOutSamples } from '../routing/loo-samples.js';
import { PhaseClock } from './phase-clock.js';
import { referenceItems, type RecordScheme } from './records.js';
import type { EvalRow } from './types.js';

export interface ReplayOptions {
  readonly rows: readonly EvalRow[];
  readonly models: readonly string[];
  readonly folds: readonly Fold[];
  /** Rows that may be routed and scored (every model's outcome known). */
  readonly scorable: (row: EvalRow) => boolean;
  readonly embedder: Embedder;
  /** The config of one fold's router, given its temp data dir and its default model. */
  readonly configFor: (dataDir: string, defaultModel: string) => Config;
  readonly costWeights: readonly number[];
  readonly policies: readonly PolicyName[];
  /** Operator targets to check on held-out rows: each fold's router calibrates them on its references. */
  readonly targets?: readonly RoutingTarget[];
  readonly scheme: RecordScheme;
  /** Uncovered prompts go here; default: the model with the best mean score on the fold's references. */
  readonly defaultModel?: string;
  readonly logger: Logger;
  readonly onFold?: (summary: FoldSummary) => void;
  /** Called as each phase of a fold ends (wall seconds), so a long run shows it is moving. */
  readonly onPhase?: (fold: number, phase: FoldPhase, seconds: number) => void;
}

/**
 * A fold's phases in order: open a fresh data dir, write the training rows as references, embed
 * them and build the HNSW index, calibrate the coverage test, fit the policy by leave-one-out (the
 * router's own fit, then knn-success's), route the test rows with every sweep point and target.
 */
export const FOLD_PHASES = ['bootstrap', 'seed', 'index', 'coverage', 'fit', 'knnSuccessFit', 'route'] as const;
export type FoldPhase = (typeof FOLD_PHASES)[number];

/** What each policy chose: `choice[c][row]` is a model index for cost weight c, −1 when not routed. */
export interface PolicyRun {
  readonly policy: PolicyName;
  readonly choice: Int16Array[];
  /** The policy's own quality estimate for the model it chose (calibration check). */
  readonly predicted: Float64Array[];
  /** 1 when the policy counted the row's prompt as covered (coverage does not depend on the cost weight). */
  readonly covered: Uint8Array;
}

export interface FoldSummary {
  readonly fold: number;
  readonly references: number;
  readonly routed: number;
  readonly coverageThreshold: number;
  readonly defaultModel: string;
  /** knn-success's shrinkage, fitted on this fold's references (leave-one-out); null when not run. */
  readonly knnSuccessFit: KnnSuccessFit | null;
  /** The router's own leave-one-out fit on this fold's references (routing/tuning.ts); null when off. */
  readonly routingFit: RoutingFit | null;
  readonly seconds: number;
  /** Wall seconds per phase (see FOLD_PHASES); they add up to `seconds` but for the temp dir's removal. */
  readonly phases: Readonly<Record<FoldPhase, number>>;
}

/** What the router chose with each fold's calibration of one target: `choice[row]`, −1 when not routed. */
export interface TargetRun {
  readonly target: RoutingTarget;
  readonly choice: Int16Array;
  /** Per fold: the cost weight the target calibrated to and the leave-one-out shares it expected. */
  readonly folds: { costWeight: number; expectedQualityShare: number; expectedCostShare: number; met: boolean }[];
}

export interface ReplayResult {
  readonly runs: readonly PolicyRun[];
  readonly targetRuns: readonly TargetRun[];
  readonly folds: readonly FoldSummary[];
}

/**
 * Replays the dataset through the real router, fold by fold: a fresh temp data dir, the fold's
 * training rows seeded as references (SqliteReferenceStore.writeSet + ReferenceIndex.embedMissing),
 * the router rebuilt (so the coverage threshold and model totals reflect the seed), then every
 * scorable test row routed by `router.decideFor`, and every policy swept over the cost weights on
 * the evidence (neighbours and records) that call retrieved.
 */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const result = emptyResult(options);
  for (const index of options.folds.keys()) {
    const fold = await replayFold(options, index);
    mergeFold(result, fold, options.folds[index]?.test ?? []);
    options.onFold?.(fold.summary);
  }
  return result;
}

/** One fold's choices (only its test rows set) and summary; folds are independent of each other. */
export interface FoldResult {
  readonly summary: FoldSummary;
  readonly runs: readonly PolicyRun[];
  readonly targetRuns: readonly TargetRun[];
}

/** Runs fold `index` of `options.folds` on its own: its own temp data dir, index and router. */
export async function replayFold(options: ReplayOptions, index: number): Promise<FoldResult> {
  const fold = options.folds[index];
  if (!fold) throw new RangeError(`no fold ${index}`);
  const { runs, targetRuns } = emptyResult(options);
  const summary = await runFold(options, { index, fold, runs, targetRuns });
  return { summary, runs, targetRuns };
}

type MutableResult = { runs: PolicyRun[]; targetRuns: TargetRun[]; folds: FoldSummary[] };

function emptyResult(options: Pick<ReplayOptions, 'rows' | 'policies' | 'costWeights' | 'targets'>): MutableResult {
  const n = options.rows.length;
  const runs = options.policies.map((policy) => ({
    policy,
    choice: options.costWeights.map(() => new Int16Array(n).fill(-1)),
    predicted: options.costWeights.map(() => new Float64Array(n)),
    covered: new Uint8Array(n),
  }));
  const targetRuns: TargetRun[] = (options.targets ?? []).map((target) => ({ target, choice: new Int16Array(n).fill(-1), folds: [] }));
  return { runs, targetRuns, folds: [] };
}

/** Copies a fold's test rows into the whole run (folds arrive in order). */
export function mergeFold(into: MutableResult, fold: FoldResult, testRows: readonly number[]): void {
  fold.runs.forEach((run, r) => {
    const target = into.runs[r];
    if (!target) return;
    for (const row of testRows) {
      run.choice.forEach((choice, c) => {
        const to = target.choice[c];
        const predicted = target.predicted[c];
        if (to) to[row] = choice[row] ?? -1;
        if (predicted) predicted[row] = run.predicted[c]?.[row] ?? 0;
      });
      target.covered[row] = run.covered[row] ?? 0;
    }
  });
  fold.targetRuns.forEach((run, t) => {
    const target = into.targetRuns[t];
    if (!target) return;
    for (const row of testRows) target.choice[row] = run.choice[row] ?? -1;
    target.folds.push(...run.folds);
  });
  into.folds.push(fold.summary);
}

interface FoldState {
  readonly index: number;
  readonly fold: Fold;
  readonly runs: readonly PolicyRun[];
  readonly targetRuns: readonly TargetRun[];
}

async function runFold(options: ReplayOptions, state: FoldState): Promise<FoldSummary> {
  const clock = new PhaseClock((phase, seconds) => options.onPhase?.(state.index, phase, seconds));
  const train = state.fold.train.flatMap((i) => options.rows[i] ?? []);
  const defaultModel = options.defaultModel ?? bestOnAverage(options.models, train);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'semroute-eval-'));
  try {
    const deps = await bootstrap(options.configFor(dataDir, defaultModel), options.logger, { embedder: options.embedder });
    clock.lap('bootstrap');
    try {
      const items = referenceItems(train, options.scheme);
      deps.references.writeSet('eval-train', 'eval', items);
      clock.lap('seed');
      await deps.index.embedMissing();
      clock.lap('index');
      deps.router = buildRouter(deps);
      // buildRouter calibrates the coverage test, then fits the policy (the fit times itself).
      clock.split('coverage', 'fit', deps.router.fit?.seconds ?? 0);
      const { policies, fit } = foldPolicies(options.policies, deps);
      clock.lap('knnSuccessFit');
      const routed = await routeTestRows(options, { ...state, policies }, deps);
      clock.lap('route');
      const threshold = deps.router.coverageThreshold;
      const summary = { fold: state.index, references: items.length, routed, coverageThreshold: threshold, defaultModel, knnSuccessFit: fit, routingFit: deps.router.fit };
      return { ...summary, seconds: clock.total(), phases: clock.phases() };
    } finally {
      deps.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** References sampled per fold to fit knn-success (leave-one-out); enough for a stable Brier score. */
const FIT_SAMPLES = 1500;

/** The fold's policies: the registry's, with knn-success fitted to the fold's references. */
function foldPolicies(names: readonly PolicyName[], deps: Deps): { policies: Record<PolicyName, Policy>; fit: KnnSuccessFit | null } {
  if (!names.includes('knn-success')) return { policies: POLICIES, fit: null };
  const samples = leaveOneOutSamples(deps, { k: deps.config.routing.k, max: FIT_SAMPLES });
  const fit = fitKnnSuccess(samples, deps.references.modelTotals());
  const knnSuccess = fit ? createKnnSuccessPolicy({ priorNeighbours: fit.priorNeighbours, power: fit.power }) : POLICIES['knn-success'];
  return { policies: { ...POLICIES, 'knn-success': knnSuccess }, fit };
}

async function routeTestRows(options: ReplayOptions, state: FoldState & { policies: Record<PolicyName, Policy> }, deps: Deps): Promise<number> {
  const test = state.fold.test.filter((i) => {
    const row = options.rows[i];
    return row !== undefined && options.scorable(row);
  });
  const vectors = await options.embedder.embed(test.map((i) => options.rows[i]?.prompt ?? ''));
  const modelIndex = new Map(options.models.map((m, i) => [m, i]));
  const context = { totals: deps.references.modelTotals(), intentTotals: deps.router.intentRecords, intentGaps: deps.router.intentGaps, params: deps.router.policyParams(), catalog: deps.config.catalog };
  const targetWeights = state.targetRuns.map((run) => {
    const resolved = deps.router.targetResolution(run.target);
    if (resolved) run.folds.push({ costWeight: resolved.costWeight, expectedQualityShare: resolved.expectedQualityShare, expectedCostShare: resolved.expectedCostShare, met: resolved.met });
    return resolved?.costWeight ?? null;
  });
  test.forEach((rowIndex, t) => {
    const prompt = options.rows[rowIndex]?.prompt ?? '';
    const vector = vectors[t];
    if (!vector) return;
    // The router searches, loads the neighbours' records and decides once; the sweep re-decides on that evidence.
    const { decision } = deps.router.decideFor(vector, { prompt, constraints: { costWeight: options.costWeights[0] ?? 0 } });
    if (decision.kind !== 'routed') return;
    // The router's own coverage verdict (calibrated top-N score, intent offsets) goes with the evidence.
    const coverage = deps.router.coverageOf(decision.evidence, { vector });
    options.costWeights.forEach((costWeight, c) => {
      const input = inputFor(decision, { ...context, prompt, costWeight, coverage });
      if (t < VERIFIED_ROWS) verifySameAsRouter(deps, { vector, prompt, costWeight, input });
      for (const run of state.runs) record(run, { c, rowIndex, decision: state.policies[run.policy](input), modelIndex });
    });
    targetWeights.forEach((costWeight, j) => {
      const run = state.targetRuns[j];
      const d = costWeight === null ? null : POLICIES['knn-winrate'](inputFor(decision, { ...context, prompt, costWeight, coverage }));
      if (run && d?.kind === 'routed') run.choice[rowIndex] = modelIndex.get(d.model) ?? -1;
    });
  });
  return test.length;
}

/** Rows per fold on which every sweep point is checked against a full router.decideFor call. */
const VERIFIED_ROWS = 25;

/**
 * The sweep re-runs the router's policy on the evidence of one decideFor call instead of searching
 * again per cost weight (15× less work). This checks, on the first rows of each fold, that doing so
 * gives exactly the router's own decision; a difference means the shortcut is wrong and stops the run.
 */
function verifySameAsRouter(deps: Deps, at: { vector: Float32Array; prompt: string; costWeight: number; input: PolicyInput }): void {
  const { decision } = deps.router.decideFor(at.vector, { prompt: at.prompt, constraints: { costWeight: at.costWeight } });
  const replayed = POLICIES['knn-winrate'](at.input);
  const same = decision.kind === replayed.kind && (decision.kind !== 'routed' || (replayed.kind === 'routed' && decision.model === replayed.model && decision.confidence === replayed.confidence));
  if (!same) throw new Error(`replayed policy differs from router.decideFor at costWeight ${at.costWeight}`);
}

function record(run: PolicyRun, at: { c: number; rowIndex: number; decision: Decision; modelIndex: ReadonlyMap<string, number> }): void {
  const { decision } = at;
  if (decision.kind !== 'routed') return;
  const choice = run.choice[at.c];
  const predicted = run.predicted[at.c];
  if (!choice || !predicted) return;
  choice[at.rowIndex] = at.modelIndex.get(decision.model) ?? -1;
  if (at.c === 0) run.covered[at.rowIndex] = decision.covered ? 1 : 0;
  predicted[at.rowIndex] = decision.scores.find((s) => s.model === decision.model)?.quality ?? Number.NaN;
}

/** The same inputs the router gave its own policy: its evidence, totals, catalog and parameters. */
function inputFor(
  decision: Extract<Decision, { kind: 'routed' }>,
  ctx: { totals: PolicyInput['modelTotals']; intentTotals: IntentTotals; intentGaps: ReadonlyMap<string, number>; params: PolicyParams; catalog: PolicyInput['catalog']; prompt: string; costWeight: number; coverage: CoverageVerdict },
): PolicyInput {
  return {
    evidence: decision.evidence,
    coverage: ctx.coverage,
    modelTotals: ctx.totals,
    intentTotals: ctx.intentTotals,
    intentGaps: ctx.intentGaps,
    catalog: ctx.catalog,
    constraints: { costWeight: ctx.costWeight },
    promptTokens: estimateTokens(ctx.prompt),
    params: ctx.params,
  };
}

/** The model with the best mean known score over the rows: the sensible answer for uncovered prompts. */
export function bestOnAverage(models: readonly string[], rows: readonly EvalRow[]): string {
  let best = models[0] ?? '';
  let bestMean = -Infinity;
  for (const model of models) {
    const known = rows.flatMap((r) => (r.outcomes[model] !== undefined ? [r.outcomes[model]] : []));
    const mean = known.length === 0 ? -Infinity : known.reduce((a, b) => a + b, 0) / known.length;
    if (mean > bestMean) [best, bestMean] = [model, mean];
  }
  return best;
}
