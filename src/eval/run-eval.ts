import type { Config } from '../config/schema.js';
import { fingerprintKey, type Embedder } from '../embedding/embedder.js';
import type { PolicyName } from '../routing/policies/registry.js';
import type { RoutingTarget } from '../routing/policies/target.js';
import type { Logger } from '../shared/logger.js';
import type { ScoredRow } from './baselines.js';
import { CachingEmbedder } from './caching-embedder.js';
import { foldConfig } from './fold-config.js';
import { replayInWorkers, type FoldJob } from './parallel-replay.js';
import { catalogFor, costOf, meanCosts } from './costs.js';
import { planFolds, type FoldPlan } from './folds.js';
import type { RecordScheme } from './records.js';
import { replay, type FoldPhase, type FoldSummary, type ReplayOptions, type ReplayResult } from './replay.js';
import { groupReport, type GroupReport } from './report.js';
import type { EvalDataset, EvalRow } from './types.js';
import { cacheFile, loadVectors, saveVectors } from './vector-cache.js';
import { AppError } from '../shared/errors.js';

export interface EvalSettings {
  readonly folds: number;
  readonly seed: number;
  readonly costWeights: readonly number[];
  readonly policies: readonly PolicyName[];
  /** Operator targets checked on held-out rows (calibrated per fold by the router). */
  readonly targets?: readonly RoutingTarget[];
  readonly scheme: RecordScheme;
  /** Neighbours per decision; the router's default when absent. */
  readonly k?: number;
  readonly defaultModel?: string;
  /** Keep only these groups. */
  readonly groups?: readonly string[];
  /** Router settings to override (e.g. minSupport); the service's defaults otherwise. */
  readonly routing?: Readonly<Record<string, number>>;
}

export interface EvalReport {
  readonly dataset: string;
  readonly costNote: string;
  readonly notes: readonly string[];
  readonly embedder: string;
  readonly scheme: RecordScheme;
  readonly policies: readonly PolicyName[];
  readonly costWeights: readonly number[];
  readonly evaluation: string;
  /** The router settings every fold ran with (defaultModel is per fold). */
  readonly router: Readonly<Record<string, number | string>>;
  /** Rows read, rows tested (each once), rows routed and scored, test rows left out for unknown outcomes. */
  readonly sizes: { readonly rows: number; readonly test: number; readonly routed: number; readonly unscored: number };
  readonly folds: readonly FoldSummary[];
  readonly groups: readonly GroupReport[];
  /** Wall seconds: embedding every prompt, replaying the folds, computing the figures. */
  readonly seconds: { readonly embed: number; readonly replay: number; readonly report: number };
}

export interface EvalDeps {
  readonly embedder: Embedder;
  /** Keep model vectors here between runs (one file per embedder fingerprint); lexical ones are cheap and never kept. */
  readonly cacheDir?: string;
  readonly logger: Logger;
  readonly onProgress?: (message: string) => void;
  /** Folds replayed at once, each in a worker thread (default 1: in this thread). The figures do not depend on it. */
  readonly workers?: number;
}

/** Replays a dataset through the router and reports the cost–quality trade-off per group. */
export async function runEval(dataset: EvalDataset, settings: EvalSettings, deps: EvalDeps): Promise<EvalReport> {
  const rows = settings.groups ? dataset.rows.filter((r) => settings.groups?.includes(r.group ?? '')) : dataset.rows;
  if (rows.length === 0) throw new AppError('VALIDATION_FAILED', 'no rows left to evaluate (check --groups)');
  const plan = planFolds(rows, { k: settings.folds, seed: settings.seed });
  const catalog = catalogFor(dataset.models, meanCosts(dataset, rows));
  const configFor = (dataDir: string, defaultModel: string) => foldConfig({ dataDir, defaultModel, catalog, k: settings.k, routing: settings.routing ?? {} });
  const embedder = new CachingEmbedder(deps.embedder);
  const t0 = performance.now();
  const cache = await embedAll(embedder, rows, { cacheDir: deps.cacheDir, ...(deps.onProgress ? { onProgress: deps.onProgress } : {}) });
  const t1 = performance.now();
  const options = replayOptions({ dataset, rows, plan, settings, embedder, configFor, deps });
  const workers = deps.workers ?? 1;
  const job = (): FoldJob => ({
    ...{ rows: options.rows, models: options.models, folds: options.folds, costWeights: options.costWeights, policies: options.policies, scheme: options.scheme },
    ...(options.defaultModel !== undefined ? { defaultModel: options.defaultModel } : {}),
    targets: options.targets ?? [],
    config: { catalog, k: settings.k, routing: settings.routing ?? {} },
    fingerprint: embedder.fingerprint,
  });
  const result = workers > 1 && plan.folds.length > 1 ? await replayInWorkers(job(), embedder, { workers, ...hooksOf(options) }) : await replay(options);
  // Texts first embedded during the folds (the background set, prompts cut to the input budget) are kept too.
  cache.saveIfNew();
  const t2 = performance.now();
  const groups = groupReports({ dataset, rows, result, costWeights: settings.costWeights });
  const t3 = performance.now();
  return {
    dataset: dataset.name,
    costNote: dataset.costNote,
    notes: dataset.notes,
    embedder: fingerprintKey(deps.embedder.fingerprint),
    scheme: settings.scheme,
    policies: settings.policies,
    costWeights: settings.costWeights,
    // defaultModel is chosen per fold and not reported here; any catalog id passes the config check.
    router: routerSettings(configFor('.', catalog[0]?.id ?? '')),
    evaluation: plan.mode === 'split' ? 'the dataset’s train/test split' : `${plan.k}-fold cross-validation (seed ${settings.seed}, stratified by group)`,
    sizes: sizes(result, rows.length, new Set(plan.folds.flatMap((f) => f.test))),
    folds: result.folds,
    groups,
    seconds: { embed: (t1 - t0) / 1000, replay: (t2 - t1) / 1000, report: (t3 - t2) / 1000 },
  };
}

function replayOptions(o: {
  dataset: EvalDataset;
  rows: readonly EvalRow[];
  plan: FoldPlan;
  settings: EvalSettings;
  embedder: CachingEmbedder;
  configFor: ReplayOptions['configFor'];
  deps: EvalDeps;
}): ReplayOptions {
  const { dataset, settings, plan, deps } = o;
  return {
    rows: o.rows,
    models: dataset.models,
    folds: plan.folds,
    scorable: (row) => dataset.models.every((m) => row.outcomes[m] !== undefined),
    embedder: o.embedder,
    configFor: o.configFor,
    costWeights: settings.costWeights,
    policies: settings.policies,
    ...(settings.targets !== undefined ? { targets: settings.targets } : {}),
    scheme: settings.scheme,
    ...(settings.defaultModel !== undefined ? { defaultModel: settings.defaultModel } : {}),
    logger: deps.logger,
    onPhase: (fold, phase, seconds) => deps.onProgress?.(`fold ${fold + 1}/${plan.folds.length}: ${PHASE_DONE[phase]} (${seconds.toFixed(1)} s)`),
    onFold: (f) => deps.onProgress?.(`fold ${f.fold + 1}/${plan.folds.length} done: ${f.references} references, ${f.routed} routed, ${f.seconds.toFixed(1)} s`),
  };
}

/** Progress wording for each fold phase as it ends. */
const PHASE_DONE: Readonly<Record<FoldPhase, string>> = {
  bootstrap: 'opened a fresh data dir',
  seed: 'training rows written as references',
  index: 'references embedded and indexed',
  coverage: 'coverage test calibrated',
  fit: 'policy fitted by leave-one-out',
  knnSuccessFit: 'knn-success fitted',
  route: 'test rows routed over the sweep and the targets',
};

function hooksOf(options: ReplayOptions): Pick<ReplayOptions, 'onPhase' | 'onFold'> {
  return { ...(options.onPhase ? { onPhase: options.onPhase } : {}), ...(options.onFold ? { onFold: options.onFold } : {}) };
}

/** Prompts embedded between two writes of the on-disk cache, so an interrupted run keeps its progress. */
const SAVE_EVERY = 1024;

/**
 * Embeds every prompt once, reading the on-disk cache first and writing it after every
 * SAVE_EVERY new prompts: a model embedder on a busy 2-core machine can take an hour for RouteLLM's
 * 15k prompts, and a run stopped half-way must not lose what it did.
 */
async function embedAll(embedder: CachingEmbedder, rows: readonly EvalRow[], at: { cacheDir: string | undefined; onProgress?: (message: string) => void }): Promise<{ saveIfNew: () => void }> {
  const { cacheDir } = at;
  const { fingerprint } = embedder;
  const file = cacheDir !== undefined && fingerprint.backend !== 'lexical' ? cacheFile(cacheDir, fingerprint) : undefined;
  if (file) embedder.preload(loadVectors(file, fingerprint.dims));
  const prompts = rows.map((r) => r.prompt);
  let saved = embedder.newlyEmbedded;
  for (let start = 0; start < prompts.length; start += SAVE_EVERY) {
    await embedder.embed(prompts.slice(start, start + SAVE_EVERY));
    if (embedder.newlyEmbedded === saved) continue;
    if (file) saveVectors(file, fingerprint.dims, embedder.vectors);
    saved = embedder.newlyEmbedded;
    at.onProgress?.(`embedded ${Math.min(start + SAVE_EVERY, prompts.length)}/${prompts.length} prompts (${saved} new${file ? ', cache saved' : ''})`);
  }
  return {
    saveIfNew: () => {
      if (file && embedder.newlyEmbedded !== saved) saveVectors(file, fingerprint.dims, embedder.vectors);
      saved = embedder.newlyEmbedded;
    },
  };
}

function routerSettings(config: Config): Record<string, number | string> {
  const { k, priorStrength, similarityPower, minSupport, coverageThreshold, calibrationPercentile, tune } = config.routing;
  if (tune.enabled) return { fitted: 'k, priorStrength, similarityPower, gapThreshold (leave-one-out per fold)', minSupport, coverageThreshold, calibrationPercentile };
  return { k, priorStrength, similarityPower, minSupport, coverageThreshold, calibrationPercentile };
}

function sizes(result: ReplayResult, rows: number, testRows: ReadonlySet<number>): EvalReport['sizes'] {
  const routed = routedRows(result).length;
  return { rows, test: testRows.size, routed, unscored: testRows.size - routed };
}

function routedRows(result: ReplayResult): number[] {
  const first = result.runs[0]?.choice[0];
  if (!first) return [];
  const out: number[] = [];
  first.forEach((model, i) => {
    if (model >= 0) out.push(i);
  });
  return out;
}

function groupReports(input: { dataset: EvalDataset; rows: readonly EvalRow[]; result: ReplayResult; costWeights: readonly number[] }): GroupReport[] {
  const { dataset, rows, result } = input;
  const routed = routedRows(result);
  const scored = new Map<number, ScoredRow>();
  for (const i of routed) {
    const row = rows[i];
    if (!row) continue;
    const outcomes = new Map(dataset.models.map((m) => [m, row.outcomes[m] ?? 0]));
    scored.set(i, { outcomes, costs: new Map(dataset.models.map((m) => [m, costOf(dataset, row, m)])) });
  }
  const groups = [...new Set(routed.map((i) => rows[i]?.group ?? ''))].sort();
  const sets = [{ group: 'all', rowIndices: routed }, ...(groups.length > 1 ? groups.map((g) => ({ group: g, rowIndices: routed.filter((i) => rows[i]?.group === g) })) : [])];
  const byGroup = new Map(groups.map((g) => [g, routed.filter((i) => rows[i]?.group === g)]));
  return sets.map((s) =>
    groupReport({
      ...s,
      ...(s.group === 'all' ? { groups: byGroup } : {}),
      scored,
      models: dataset.models,
      costWeights: input.costWeights,
      runs: result.runs,
      targetRuns: result.targetRuns,
      ...(dataset.strongModel !== undefined ? { strongModel: dataset.strongModel } : {}),
    }),
  );
}
