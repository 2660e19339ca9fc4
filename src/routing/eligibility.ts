import { blendedPricePer1M } from '../config/catalog.js';
import type { CatalogModel } from '../config/schema.js';
import type { ExcludedModel, PolicyInput } from './types.js';

/**
 * Which catalog models this request may use, and why the others may not: rule exclusions, the
 * request's allow-list, its price ceiling, and the context window. Every policy starts here.
 */
export function eligibleModels(input: PolicyInput): { eligible: CatalogModel[]; excluded: ExcludedModel[] } {
  const { catalog, constraints, promptTokens, params } = input;
  const allowed = constraints.models ? new Set(constraints.models) : undefined;
  const ruled = new Set(input.rule?.then.exclude ?? []);
  // The whole conversation and the expected output must fit, not only the text that routing embeds.
  const contextNeeded = Math.max(promptTokens, constraints.inputTokens ?? 0) + (constraints.outputTokens ?? params.expectedOutputTokens);
  const eligible: CatalogModel[] = [];
  const excluded: ExcludedModel[] = [];
  for (const m of catalog) {
    const price = blendedPricePer1M(m, promptTokens, params.expectedOutputTokens);
    if (ruled.has(m.id)) excluded.push({ model: m.id, why: 'excluded_by_rule' });
    else if (allowed && !allowed.has(m.id)) excluded.push({ model: m.id, why: 'not_allowed' });
    else if (constraints.maxPricePer1M !== undefined && price > constraints.maxPricePer1M) excluded.push({ model: m.id, why: 'over_max_price' });
    else if (m.contextWindow < contextNeeded) excluded.push({ model: m.id, why: 'context_too_small' });
    else eligible.push(m);
  }
  return { eligible, excluded };
}

/** An operator's rule outranks the request, which outranks the configured default. */
export function effectiveCostWeight(input: PolicyInput): number {
  return input.rule?.then.costWeight ?? input.constraints.costWeight ?? input.params.costWeight;
}
