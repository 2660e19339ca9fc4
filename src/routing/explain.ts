import type { IgnoredPin } from './rules.js';
import type { Decision, ModelScore } from './types.js';

type Routed = Extract<Decision, { kind: 'routed' }>;

export interface ExplainContext {
  /** The cost weight the decision used (rule, request, a target's calibration, or config). */
  readonly costWeight: number;
  /** The target the cost weight was calibrated from, when one set it: "qualityShare 0.95". */
  readonly target?: string;
  readonly defaultModel: string;
  readonly ruleIgnored: IgnoredPin | null;
}

/**
 * One sentence saying why the decision chose its model, for people reading a decision later, e.g.
 * "deepseek-chat: quality 0.62 vs claude-sonnet-4 0.73 at 1/14 of the price (costWeight 0.25)".
 * Quality and price are the decision's own scores (estimated win rate; blended USD per 1M tokens).
 */
export function explainDecision(d: Routed, ctx: ExplainContext): string {
  const main = mainReason(d, ctx);
  const ignored = ctx.ruleIgnored;
  return ignored ? `${main}; rule '${ignored.rule}' pins ${ignored.model}, but ${ignored.reason}` : main;
}

function mainReason(d: Routed, ctx: ExplainContext): string {
  switch (d.reason) {
    case 'rule':
      return `${d.model}: pinned by rule '${d.rule ?? ''}'`;
    case 'empty_index':
      return `${d.model}: the default model, as there are no reference prompts yet`;
    case 'uncovered':
      return `${d.model}: the default model, as the prompt is not covered (${coverage(d)})`;
    case 'default_not_eligible':
      return `${d.model}: the best-ranked eligible model, as the prompt is not covered (${coverage(d)}) and the default ${ctx.defaultModel} is not eligible`;
    case 'empty':
      return `${d.model}: the default model, as there is no user text to route on`;
    case 'language':
      return `${d.model}: the default model, as the prompt is in a language the embedder does not read`;
    case 'covered':
      return covered(d, ctx.target ? `costWeight ${round(ctx.costWeight)} for target ${ctx.target}` : `costWeight ${round(ctx.costWeight)}`);
  }
}

function coverage(d: Routed): string {
  if (d.topSimilarity === null) return 'no neighbours';
  // The calibrated test compares the mean of the top-3 similarities; a configured number, the top one.
  const score = d.coverageScore ?? d.topSimilarity;
  const below = score < d.coverageThreshold;
  const name = d.coverageScore !== undefined && d.coverageScore !== null ? 'coverage score' : 'top similarity';
  return below ? `${name} ${score.toFixed(2)} below the threshold ${d.coverageThreshold.toFixed(2)}` : `too few trials among the neighbours`;
}

/** Against the best-quality alternative when that is better (the chosen one wins on price), else against the runner-up. */
function covered(d: Routed, cw: string): string {
  const chosen = d.scores.find((s) => s.model === d.model);
  const others = d.scores.filter((s) => s.model !== d.model);
  if (!chosen) return `${d.model}: the best utility`;
  const better = others.reduce<ModelScore | undefined>((best, s) => (s.quality > chosen.quality && (!best || s.quality > best.quality) ? s : best), undefined);
  if (better) return `${d.model}: quality ${q(chosen)} vs ${better.model} ${q(better)} at ${pricePhrase(chosen, better)} (${cw})`;
  const next = others[0];
  if (!next) return `${d.model}: the only eligible model (quality ${q(chosen)})`;
  return `${d.model}: the highest quality, ${q(chosen)} vs ${next.model} ${q(next)}, at ${pricePhrase(chosen, next)} (${cw})`;
}

function q(s: ModelScore): string {
  return s.quality.toFixed(2);
}

/** a's price against b's: "1/14 of the price", "3.2× the price", "the same price". */
function pricePhrase(a: ModelScore, b: ModelScore): string {
  if (a.pricePer1M === b.pricePer1M) return 'the same price';
  if (b.pricePer1M === 0) return 'a higher price';
  const ratio = a.pricePer1M / b.pricePer1M;
  return ratio < 1 ? `1/${Math.round(1 / ratio)} of the price` : `${round(ratio)}× the price`;
}

function round(x: number): string {
  return String(Math.round(x * 100) / 100);
}
