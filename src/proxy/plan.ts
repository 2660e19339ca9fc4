import type { CatalogModel } from '../config/schema.js';
import type { Decision } from '../routing/types.js';
import { AppError } from '../shared/errors.js';

/** `router` lets us choose; `router:<strategy>` sets how much price matters; a catalog id is used as-is. */
export const STRATEGIES: Readonly<Record<string, { readonly costWeight: number | undefined; readonly description: string }>> = {
  balanced: { costWeight: undefined, description: 'quality against price at the configured cost weight (routing.target calibrated, else routing.costWeight; a request may bring router_target)' },
  quality: { costWeight: 0, description: 'the model expected to answer best, whatever it costs' },
  cheap: { costWeight: 1.5, description: 'price weighs heavily: the cheapest model that is expected to do' },
};

/** What a strategy id does, for GET /v1/models: `router` and `router:balanced` name each other as equivalent. */
export function strategyDescription(id: string): { description: string; costWeight: number | null } {
  const name = id === 'router' ? 'balanced' : id.slice('router:'.length);
  const strategy = STRATEGIES[name];
  if (strategy === undefined) return { description: '', costWeight: null };
  const alias = id === 'router' ? ' (same as `router:balanced`)' : name === 'balanced' ? ' (same as `router`)' : '';
  return { description: `${strategy.description}${alias}`, costWeight: strategy.costWeight ?? null };
}

/** The model ids that let semroute choose: `router` and `router:<strategy>`. */
export function routerModelIds(): string[] {
  return ['router', ...Object.keys(STRATEGIES).map((s) => `router:${s}`)];
}

export interface Target {
  readonly concrete?: string;
  readonly costWeight?: number;
}

export function targetOf(model: string, catalog: readonly CatalogModel[]): Target {
  if (model === 'router') return {};
  if (model.startsWith('router:')) {
    const strategy = model.slice('router:'.length);
    if (!(strategy in STRATEGIES)) {
      throw new AppError('VALIDATION_FAILED', `unknown strategy '${strategy}'; use router, ${Object.keys(STRATEGIES).map((s) => `router:${s}`).join(', ')}`, [
        { path: 'model', message: 'unknown router strategy' },
      ]);
    }
    const costWeight = STRATEGIES[strategy]?.costWeight;
    return costWeight === undefined ? {} : { costWeight };
  }
  if (!catalog.some((m) => m.id === model)) {
    throw new AppError('VALIDATION_FAILED', `unknown model '${model}'; use 'router' or a catalog id`, [{ path: 'model', message: `unknown model '${model}'` }]);
  }
  return { concrete: model };
}

export interface Plan {
  readonly order: readonly string[];
  /** True when low confidence sent the first attempt to a stronger model. */
  readonly escalated: boolean;
}

type Routed = Extract<Decision, { kind: 'routed' }>;

/**
 * The attempt order: the choice, then the fallbacks; a low-confidence choice yields to a stronger
 * model. A model the caller named (pinned) is the only one tried, unless an answer check escalates.
 */
export function planAttempts(decision: Routed, options: { escalate: boolean; minConfidence: number; pinned?: string }): Plan {
  if (options.pinned !== undefined) return { order: [options.pinned], escalated: false };
  const order = [decision.model, ...decision.fallbacks];
  if (!options.escalate || decision.confidence >= options.minConfidence) return { order, escalated: false };
  const stronger = strongerThan(decision, decision.model);
  if (stronger === undefined) return { order, escalated: false };
  return { order: [stronger, ...order.filter((m) => m !== stronger)], escalated: true };
}

/**
 * The next stronger model: among eligible models dearer than `model`, the one with the best
 * estimated quality for this prompt. Undefined when `model` is already the dearest.
 */
export function strongerThan(decision: Routed, model: string): string | undefined {
  const current = decision.scores.find((s) => s.model === model);
  if (!current) return undefined;
  const dearer = decision.scores.filter((s) => s.pricePer1M > current.pricePer1M);
  return [...dearer].sort((a, b) => b.quality - a.quality || a.pricePer1M - b.pricePer1M)[0]?.model;
}
