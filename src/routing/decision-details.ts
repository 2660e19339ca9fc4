import type { WinRecord } from '../store/types.js';
import type { RouteRequest } from './router.js';
import type { IgnoredPin } from './rules.js';
import type { Decision, ExcludedModel, PolicyParams } from './types.js';

/**
 * Everything needed to explain a decision later, stored with it (decisions.details, JSON): the
 * records are copied as they were at decision time, since outcomes and re-posts change them after.
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

export function decisionDetails(
  d: Extract<Decision, { kind: 'routed' }>,
  request: RouteRequest,
  ctx: { rulesMatched: readonly string[]; ruleIgnored: IgnoredPin | null; costWeight: number; k: number; params: PolicyParams; explanation: string },
): DecisionDetails {
  const c = request.constraints;
  return {
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
    params: ctx.params,
    neighbours: d.evidence.map((e) => ({ id: e.id, similarity: e.similarity, intent: e.intent, records: Object.fromEntries(e.records) })),
    explanation: ctx.explanation,
  };
}
