import type { CatalogModel } from '../config/schema.js';
import type { EvalDataset, EvalRow } from './types.js';

/** USD for sending this row to this model: the measured cost when the row has one, else the per-call cost. */
export function costOf(dataset: Pick<EvalDataset, 'perCallCost'>, row: EvalRow, model: string): number {
  const cost = row.costs?.[model] ?? dataset.perCallCost?.[model];
  if (cost === undefined) throw new Error(`no cost known for model ${model}`);
  return cost;
}

/** Each model's mean cost per query over the given rows. */
export function meanCosts(dataset: Pick<EvalDataset, 'perCallCost' | 'models'>, rows: readonly EvalRow[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const model of dataset.models) {
    const total = rows.reduce((sum, row) => sum + costOf(dataset, row, model), 0);
    out.set(model, rows.length === 0 ? 0 : total / rows.length);
  }
  return out;
}

/**
 * Prices are in USD per 1M *queries*: input and output prices are both the model's mean cost per
 * query × 1e6, so the blended price the policy computes is that figure whatever the prompt length,
 * and relative prices are the dataset's real relative costs. (The scale also keeps the policy's
 * log-price epsilon of 0.01 negligible next to the cheapest model.)
 */
export const PRICE_SCALE = 1e6;

/** A context window no prompt reaches: the eval measures choice, not context limits. */
const UNLIMITED_CONTEXT = 1_000_000_000;

export function catalogFor(models: readonly string[], meanCost: ReadonlyMap<string, number>): CatalogModel[] {
  return models.map((id) => {
    const price = (meanCost.get(id) ?? 0) * PRICE_SCALE;
    return { id, provider: providerOf(id), inputPricePer1M: price, outputPricePer1M: price, contextWindow: UNLIMITED_CONTEXT, tags: ['eval'] };
  });
}

function providerOf(id: string): string {
  const slash = id.indexOf('/');
  return slash > 0 ? id.slice(0, slash) : 'eval';
}
