import type { PolicyName } from '../routing/policies/registry.js';
import { baselines, type Baselines, type ModelPoint, type ScoredRow } from './baselines.js';
import {
  aiq,
  apgr,
  callPerformanceThreshold,
  costAtParity,
  hullCostFor,
  nonDecreasingHull,
  performanceGapRecovered,
  qualityAtCostShare,
  type CostQuality,
} from './metrics.js';
import type { RoutingTarget } from '../routing/policies/target.js';
import type { PolicyRun, TargetRun } from './replay.js';

export interface CurvePoint extends CostQuality {
  readonly costWeight: number;
  /** Mean of the policy's own estimate for the models it chose: compare with `quality`. */
  readonly predictedQuality: number;
  /** Share of calls per model (models never chosen are left out). */
  readonly modelShare: Readonly<Record<string, number>>;
  /** Two-model sets: share of calls to the strong model. */
  readonly strongShare?: number;
}

export interface PolicyReport {
  readonly policy: PolicyName;
  /** Share of prompts the policy counted as uncovered and sent to the default model. */
  readonly uncoveredShare: number;
  readonly curve: readonly CurvePoint[];
  readonly hull: readonly CostQuality[];
  readonly costAtParity: number | null;
  readonly qualityAtHalfCost: number | null;
  readonly aiq: number | null;
  readonly apgr: number | null;
  /** RouteLLM CPT(95%): least share of strong calls with PGR ≥ 0.95. */
  readonly cpt95: number | null;
  /** Least share of strong calls reaching 95% of the strong model's quality (RouteLLM's headline wording). */
  readonly strongCallsAt95PctQuality: number | null;
  /** 1 − the router's cost at 95% of the strong model's quality ÷ the strong model's cost. */
  readonly costSavingsAt95PctQuality: number | null;
  /**
   * How far the router stays above the zero router: AIQ − zeroRouterAiq; where AIQ is undefined (all
   * models cost the same) the best quality on its curve − the best single model's. ≥ 0 = no harm.
   */
  readonly noHarmMargin: number | null;
}

/** How an operator target held on the held-out rows of this group. */
export interface TargetReport {
  readonly target: RoutingTarget;
  readonly quality: number;
  readonly cost: number;
  /** Held-out quality and cost as shares of the group's best single model's. */
  readonly qualityShare: number;
  readonly costShare: number;
  /** Mean over folds of what leave-one-out on the fold's references expected (all groups together). */
  readonly expectedQualityShare: number;
  readonly expectedCostShare: number;
  readonly costWeights: readonly number[];
}

export interface GroupReport {
  readonly group: string;
  readonly rows: number;
  readonly perModel: readonly ModelPoint[];
  readonly bestSingle: ModelPoint;
  readonly cheapest: ModelPoint;
  readonly random: CostQuality;
  readonly oracle: CostQuality;
  /** AIQ of mixing single models along their own hull (RouterBench's "zero router"). */
  readonly zeroRouterAiq: number | null;
  /**
   * 'all' only, when there are several groups: each group's best single model (on the routed rows),
   * i.e. what perfect task-level routing would reach; `costShare` is relative to bestSingle's cost.
   */
  readonly bestPerGroup?: { readonly quality: number; readonly cost: number; readonly costShare: number; readonly models: Readonly<Record<string, string>> };
  readonly strongModel?: string;
  readonly policies: readonly PolicyReport[];
  readonly targets: readonly TargetReport[];
}

export interface GroupInput {
  readonly group: string;
  /** Row indices (into the replayed rows) that were routed and belong to the group. */
  readonly rowIndices: readonly number[];
  readonly scored: ReadonlyMap<number, ScoredRow>;
  readonly models: readonly string[];
  readonly costWeights: readonly number[];
  readonly runs: readonly PolicyRun[];
  readonly strongModel?: string;
  /** Row indices per group, for the per-group best baseline of the 'all' report. */
  readonly groups?: ReadonlyMap<string, readonly number[]>;
  readonly targetRuns?: readonly TargetRun[];
}

/** Baselines and every policy's curve and figures over one group of routed rows. */
export function groupReport(input: GroupInput): GroupReport {
  const rows = input.rowIndices.flatMap((i) => input.scored.get(i) ?? []);
  const base = baselines(input.models, rows);
  const strong = strongOf(input, base);
  return {
    group: input.group,
    rows: rows.length,
    perModel: base.perModel,
    bestSingle: base.bestSingle,
    cheapest: base.cheapest,
    random: base.random,
    oracle: base.oracle,
    zeroRouterAiq: aiq(base.perModel, { min: base.cheapest.cost, max: base.maxCost }),
    ...(input.groups && input.groups.size > 1 ? { bestPerGroup: bestPerGroup(input, input.groups, base.bestSingle.cost) } : {}),
    ...(strong ? { strongModel: strong.strong.model } : {}),
    policies: input.runs.map((run) => policyReport(run, input, { base, strong })),
    targets: (input.targetRuns ?? []).map((run) => targetReport(run, input, base)),
  };
}

function targetReport(run: TargetRun, input: GroupInput, base: Baselines): TargetReport {
  let quality = 0;
  let cost = 0;
  let n = 0;
  for (const i of input.rowIndices) {
    const model = input.models[run.choice[i] ?? -1];
    const row = input.scored.get(i);
    if (model === undefined || !row) continue;
    quality += row.outcomes.get(model) ?? 0;
    cost += row.costs.get(model) ?? 0;
    n += 1;
  }
  const d = Math.max(1, n);
  const mean = (f: (x: TargetRun['folds'][number]) => number) => run.folds.reduce((a, x) => a + f(x), 0) / Math.max(1, run.folds.length);
  return {
    target: run.target,
    quality: quality / d,
    cost: cost / d,
    qualityShare: base.bestSingle.quality > 0 ? quality / d / base.bestSingle.quality : 0,
    costShare: base.bestSingle.cost > 0 ? cost / d / base.bestSingle.cost : 0,
    expectedQualityShare: mean((x) => x.expectedQualityShare),
    expectedCostShare: mean((x) => x.expectedCostShare),
    costWeights: run.folds.map((x) => x.costWeight),
  };
}

function bestPerGroup(input: GroupInput, groups: ReadonlyMap<string, readonly number[]>, bestCost: number): NonNullable<GroupReport['bestPerGroup']> {
  let quality = 0;
  let cost = 0;
  let n = 0;
  const models: Record<string, string> = {};
  for (const [group, indices] of groups) {
    const rows = indices.flatMap((i) => input.scored.get(i) ?? []);
    if (rows.length === 0) continue;
    const best = baselines(input.models, rows).bestSingle;
    models[group] = best.model;
    quality += best.quality * rows.length;
    cost += best.cost * rows.length;
    n += rows.length;
  }
  const d = Math.max(1, n);
  return { quality: quality / d, cost: cost / d, costShare: bestCost > 0 ? cost / d / bestCost : 0, models };
}

interface Pair {
  readonly strong: ModelPoint;
  readonly weak: ModelPoint;
}

/** Two-model sets only: the named strong model, else the dearer one. */
function strongOf(input: GroupInput, base: Baselines): Pair | undefined {
  if (base.perModel.length !== 2) return undefined;
  const named = base.perModel.find((p) => p.model === input.strongModel);
  const strong = named ?? [...base.perModel].sort((x, y) => y.cost - x.cost || y.quality - x.quality)[0];
  const weak = base.perModel.find((p) => p !== strong);
  return strong && weak ? { strong, weak } : undefined;
}

function policyReport(run: PolicyRun, input: GroupInput, ctx: { base: Baselines; strong: Pair | undefined }): PolicyReport {
  const curve = input.costWeights.map((costWeight, c) => curvePoint(run, input, { c, costWeight, strong: ctx.strong }));
  const { base, strong } = ctx;
  const uncovered = input.rowIndices.filter((i) => run.covered[i] !== 1).length;
  const routerAiq = aiq([...curve, base.cheapest], { min: base.cheapest.cost, max: base.maxCost });
  return {
    policy: run.policy,
    uncoveredShare: input.rowIndices.length === 0 ? 0 : uncovered / input.rowIndices.length,
    curve,
    hull: nonDecreasingHull(curve),
    costAtParity: costAtParity(curve, base.bestSingle),
    qualityAtHalfCost: qualityAtCostShare(curve, base.bestSingle, 0.5),
    // Below its cheapest setting a router can still send everything to the cheapest model (a one-model
    // allow-list), as RouteLLM's sweep always includes the all-weak router: that point anchors the hull.
    aiq: routerAiq,
    ...twoModelFigures(curve, strong),
    noHarmMargin: noHarmMargin({ routerAiq, zeroAiq: aiq(base.perModel, { min: base.cheapest.cost, max: base.maxCost }), curve, base }),
  };
}

function noHarmMargin(at: { routerAiq: number | null; zeroAiq: number | null; curve: readonly CurvePoint[]; base: Baselines }): number | null {
  if (at.routerAiq !== null && at.zeroAiq !== null) return at.routerAiq - at.zeroAiq;
  const affordable = at.curve.filter((p) => p.cost <= at.base.bestSingle.cost + 1e-12).map((p) => p.quality);
  return affordable.length === 0 ? null : Math.max(...affordable) - at.base.bestSingle.quality;
}

function twoModelFigures(curve: readonly CurvePoint[], pair: Pair | undefined): Pick<PolicyReport, 'apgr' | 'cpt95' | 'strongCallsAt95PctQuality' | 'costSavingsAt95PctQuality'> {
  if (!pair) return { apgr: null, cpt95: null, strongCallsAt95PctQuality: null, costSavingsAt95PctQuality: null };
  const shares = curve.map((p) => ({ strongShare: p.strongShare ?? 0, quality: p.quality }));
  const weak = pair.weak.quality;
  const strong = pair.strong.quality;
  const target = 0.95 * strong;
  const pgrAtTarget = performanceGapRecovered(target, weak, strong);
  const cost = hullCostFor(nonDecreasingHull(curve), target);
  return {
    apgr: apgr(shares, weak, strong),
    cpt95: callPerformanceThreshold(shares, weak, strong, 0.95),
    strongCallsAt95PctQuality: pgrAtTarget === null ? null : callPerformanceThreshold(shares, weak, strong, pgrAtTarget),
    costSavingsAt95PctQuality: cost === null || pair.strong.cost <= 0 ? null : 1 - cost / pair.strong.cost,
  };
}

function curvePoint(run: PolicyRun, input: GroupInput, at: { c: number; costWeight: number; strong: Pair | undefined }): CurvePoint {
  const choice = run.choice[at.c];
  const predicted = run.predicted[at.c];
  let quality = 0;
  let cost = 0;
  let estimate = 0;
  let n = 0;
  const counts = new Map<string, number>();
  for (const i of input.rowIndices) {
    const model = input.models[choice?.[i] ?? -1];
    const row = input.scored.get(i);
    if (model === undefined || !row) continue;
    quality += row.outcomes.get(model) ?? 0;
    cost += row.costs.get(model) ?? 0;
    estimate += predicted?.[i] ?? 0;
    n += 1;
    counts.set(model, (counts.get(model) ?? 0) + 1);
  }
  const d = Math.max(1, n);
  const modelShare = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).map(([m, k]) => [m, k / d]));
  const strongShare = at.strong ? (counts.get(at.strong.strong.model) ?? 0) / d : undefined;
  return { costWeight: at.costWeight, quality: quality / d, cost: cost / d, predictedQuality: estimate / d, modelShare, ...(strongShare !== undefined ? { strongShare } : {}) };
}
