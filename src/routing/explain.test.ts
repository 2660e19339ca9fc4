import { describe, expect, it } from 'vitest';
import { explainDecision } from './explain.js';
import type { Decision, ModelScore } from './types.js';

type Routed = Extract<Decision, { kind: 'routed' }>;

const score = (model: string, quality: number, pricePer1M: number): ModelScore => ({ model, quality, pricePer1M, normalizedPrice: 0, utility: 0, support: 5 });

function decision(overrides: Partial<Routed>): Routed {
  return {
    kind: 'routed',
    model: 'deepseek-chat',
    fallbacks: [],
    reason: 'covered',
    basis: 'neighbours',
    gain: null,
    covered: true,
    confidence: 0.8,
    rule: null,
    explored: false,
    topSimilarity: 0.9,
    coverageThreshold: 0.4,
    intent: null,
    scores: [score('deepseek-chat', 0.62, 0.5), score('claude-sonnet-4', 0.73, 7), score('gpt-4o-mini', 0.5, 0.3)],
    excluded: [],
    evidence: [],
    ...overrides,
  };
}

const ctx = { costWeight: 0.25, defaultModel: 'gpt-4o', ruleIgnored: null };

describe('explainDecision', () => {
  it('names the better-quality model the choice beat on price, with the price ratio and cost weight', () => {
    expect(explainDecision(decision({}), ctx)).toBe('deepseek-chat: quality 0.62 vs claude-sonnet-4 0.73 at 1/14 of the price (costWeight 0.25)');
  });

  it('says when the choice is simply the best, and against whom', () => {
    const d = decision({ model: 'claude-sonnet-4', scores: [score('claude-sonnet-4', 0.73, 7), score('deepseek-chat', 0.62, 0.5)] });
    expect(explainDecision(d, ctx)).toBe('claude-sonnet-4: the highest quality, 0.73 vs deepseek-chat 0.62, at 14× the price (costWeight 0.25)');
  });

  it('says when the ranking chose, on its rates, and what the neighbours would have gained', () => {
    const ranked = (model: string, quality: number, pricePer1M: number, prior: number): ModelScore => ({ ...score(model, quality, pricePer1M), prior });
    // The neighbourhood favours deepseek-chat, but its gain is under the threshold: claude-sonnet-4's ranking rate decides.
    const d = decision({ model: 'claude-sonnet-4', basis: 'intent_ranking', rankingIntent: 'code', gain: 0.0123, scores: [ranked('deepseek-chat', 0.8, 0.5, 0.6), ranked('claude-sonnet-4', 0.7, 7, 0.75)] });
    expect(explainDecision(d, ctx)).toBe(
      "claude-sonnet-4: the highest ranking rate, 0.75 vs deepseek-chat 0.60, at 14× the price (costWeight 0.25); by the ranking of intent code's references: the neighbours' evidence gains 0.012, under the gap threshold",
    );
    expect(explainDecision({ ...d, basis: 'global_ranking', rankingIntent: null }, ctx)).toMatch(/; by the ranking of all references: /);
  });

  it('explains rules, uncovered prompts and an ignored pin in one sentence each', () => {
    expect(explainDecision(decision({ reason: 'rule', rule: 'legal', model: 'claude-sonnet-4' }), ctx)).toBe("claude-sonnet-4: pinned by rule 'legal'");
    expect(explainDecision(decision({ reason: 'uncovered', covered: false, topSimilarity: 0.31, model: 'gpt-4o' }), ctx)).toBe(
      'gpt-4o: the default model, as the prompt is not covered (top similarity 0.31 below the threshold 0.40)',
    );
    const ignored = { rule: 'contracts', model: 'claude-sonnet-4', reason: "rule 'free-tier' excludes it" };
    expect(explainDecision(decision({}), { ...ctx, ruleIgnored: ignored })).toBe(
      "deepseek-chat: quality 0.62 vs claude-sonnet-4 0.73 at 1/14 of the price (costWeight 0.25); rule 'contracts' pins claude-sonnet-4, but rule 'free-tier' excludes it",
    );
  });
});
