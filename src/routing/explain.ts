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

/**
 * Against the best-quality alternative when that is better (the chosen one wins on price), else against the runner-up.
 * A choice the ranking made (the neighbours' gain under the gap threshold) is compared on the ranking rates it used,
 * and says so: the neighbourhood's quality alone would not explain it.
 */
function covered(d: Routed, cw: string): string {
  const byRanking = d.basis === 'intent_ranking' || d.basis === 'global_ranking';
  const rate = (s: ModelScore): number => (byRanking ? (s.prior ?? s.quality) : s.quality);
  const word = byRanking ? 'ranking rate' : 'quality';
  const chosen = d.scores.find((s) => s.model === d.model);
  const others = d.scores.filter((s) => s.model !== d.model);
  if (!chosen) return `${d.model}: the best utility`;
  const better = others.reduce<ModelScore | undefined>((best, s) => (rate(s) > rate(chosen) && (!best || rate(s) > rate(best)) ? s : best), undefined);
  const basis = byRanking ? rankingClause(d) : '';
  if (better) return `${d.model}: ${word} ${q(rate(chosen))} vs ${better.model} ${q(rate(better))} at ${pricePhrase(chosen, better)} (${cw})${basis}`;
  const next = others[0];
  if (!next) return `${d.model}: the only eligible model (${word} ${q(rate(chosen))})`;
  return `${d.model}: the highest ${word}, ${q(rate(chosen))} vs ${next.model} ${q(rate(next))}, at ${pricePhrase(chosen, next)} (${cw})${basis}`;
}

/** "; by the ranking of intent code's references: the neighbours' evidence gains 0.012, under the gap threshold". */
function rankingClause(d: Routed): string {
  const of = d.rankingIntent ? `intent ${d.rankingIntent}'s references` : 'all references';
  const gain = d.gain === null ? '' : `: the neighbours' evidence gains ${d.gain.toFixed(3)}, under the gap threshold`;
  return `; by the ranking of ${of}${gain}`;
}

function q(x: number): string {
  return x.toFixed(2);
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
