import type { DetailsToStore } from '../store/decision-details-codec.js';
import type { WinRecord } from '../store/types.js';
import type { RouteRequest } from './router.js';
import type { IgnoredPin } from './rules.js';
import type { Decision, ExcludedModel, PolicyParams } from './types.js';

/**
 * Everything needed to explain a decision later, as GET /v1/decisions/:id reads it back
 * (decisions.details): the records are the ones the neighbours had at decision time, since
 * outcomes and re-posts change them after.
 */
export interface DecisionDetails {
  /** The first matching rule (the decision's `rule`), and every rule that matched, in config order. */
  readonly rule: string | null;
  readonly rulesMatched: readonly string[];
  readonly ruleIgnored: IgnoredPin | null;
  readonly excluded: readonly ExcludedModel[];
  readonly coverageThreshold: number;
  /** The cost weight in force: a rule's, else the request's, else the config's. */
  readonly costWeight: number;
  readonly constraints: { readonly models: readonly string[] | null; readonly maxPricePer1M: number | null; readonly costWeight: number | null };
  readonly tier: string | null;
  readonly tags: readonly string[];
  readonly k: number;
  readonly params: PolicyParams;
  readonly neighbours: readonly { readonly id: number; readonly similarity: number; readonly intent: string | null; readonly records: Record<string, WinRecord> }[];
  readonly explanation: string;
}

/**
 * The details to store: this decision's own fields inline, and what decisions share (the
 * parameters, each neighbour's intent and record map) by reference, so the store writes those once
 * (store/decision-details-codec.ts). Neighbour ids and similarities are the decision's own columns.
 * Nothing is copied here: this runs on every route.
 */
export function decisionDetails(
  d: Extract<Decision, { kind: 'routed' }>,
  request: RouteRequest,
  ctx: { rulesMatched: readonly string[]; ruleIgnored: IgnoredPin | null; costWeight: number; k: number; params: PolicyParams; explanation: string },
): DetailsToStore {
  const c = request.constraints;
  const inline: Omit<DecisionDetails, 'params' | 'neighbours'> = {
    rule: d.rule,
    rulesMatched: ctx.rulesMatched,
    ruleIgnored: ctx.ruleIgnored,
    excluded: d.excluded,
    coverageThreshold: d.coverageThreshold,
    costWeight: ctx.costWeight,
    constraints: { models: c.models ?? null, maxPricePer1M: c.maxPricePer1M ?? null, costWeight: c.costWeight ?? null },
    tier: request.tier ?? null,
    tags: request.tags ?? [],
    k: ctx.k,
    explanation: ctx.explanation,
  };
  return { inline, params: ctx.params, neighbours: d.evidence };
}
