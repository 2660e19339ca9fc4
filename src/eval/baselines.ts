import type { CostQuality } from './metrics.js';

/** One scored row: each model's outcome and cost on it (every model known). */
export interface ScoredRow {
  readonly outcomes: ReadonlyMap<string, number>;
  readonly costs: ReadonlyMap<string, number>;
}

export interface ModelPoint extends CostQuality {
  readonly model: string;
}

export interface Baselines {
  readonly perModel: readonly ModelPoint[];
  /** Highest mean quality; ties go to the cheaper model. */
  readonly bestSingle: ModelPoint;
  /** Lowest mean cost; ties go to the better model. */
  readonly cheapest: ModelPoint;
  /** A uniform random choice per query, in expectation: the mean of the models' means. */
  readonly random: CostQuality;
  /** Per query the best score, and among the models that reach it the cheapest. */
  readonly oracle: CostQuality;
  /** The most expensive model's mean cost: the top of the AIQ cost range. */
  readonly maxCost: number;
}

const SAME = 1e-12;

/** The reference points a router is judged against, over the rows it was tested on. */
export function baselines(models: readonly string[], rows: readonly ScoredRow[]): Baselines {
  if (models.length === 0 || rows.length === 0) throw new Error('baselines need at least one model and one row');
  const perModel = models.map((model) => ({
    model,
    quality: mean(rows.map((r) => r.outcomes.get(model) ?? 0)),
    cost: mean(rows.map((r) => r.costs.get(model) ?? 0)),
  }));
  const byQuality = [...perModel].sort((a, b) => b.quality - a.quality || a.cost - b.cost || a.model.localeCompare(b.model));
  const byCost = [...perModel].sort((a, b) => a.cost - b.cost || b.quality - a.quality || a.model.localeCompare(b.model));
  const [bestSingle] = byQuality;
  const [cheapest] = byCost;
  if (!bestSingle || !cheapest) throw new Error('unreachable: models is not empty');
  return {
    perModel,
    bestSingle,
    cheapest,
    random: { quality: mean(perModel.map((p) => p.quality)), cost: mean(perModel.map((p) => p.cost)) },
    oracle: oracle(models, rows),
    maxCost: Math.max(...perModel.map((p) => p.cost)),
  };
}

function oracle(models: readonly string[], rows: readonly ScoredRow[]): CostQuality {
  let quality = 0;
  let cost = 0;
  for (const row of rows) {
    const best = Math.max(...models.map((m) => row.outcomes.get(m) ?? 0));
    const reaching = models.filter((m) => (row.outcomes.get(m) ?? 0) >= best - SAME);
    quality += best;
    cost += Math.min(...reaching.map((m) => row.costs.get(m) ?? 0));
  }
  return { quality: quality / rows.length, cost: cost / rows.length };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
