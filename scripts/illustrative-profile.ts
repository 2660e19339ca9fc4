/**
 * The capability profile behind the bundled, ILLUSTRATIVE win records in reference-prompts/*.jsonl
 * (written by scripts/generate-illustrative-records.ts). These numbers are stated assumptions, not
 * measurements. For each intent and each catalog model they give the probability that the model's
 * answer to such a prompt is judged a win, a tie or a loss in one pairwise comparison against another
 * catalog model's answer. Each triple sums to 1; within an intent the mean success rate
 * (win + tie/2) is close to 0.5, because every comparison has one winner and one loser (or a tie).
 *
 * The catalog moved to the late-2025 models (gpt-4o → gpt-5, claude-sonnet-4 → claude-sonnet-4-5,
 * claude-3-5-haiku → claude-haiku-4-5, gpt-4o-mini → gpt-5-mini): the columns were renamed and the
 * numbers kept as they were, not re-derived for the newer models.
 *
 * The reasoning, from public impressions of these models in 2025:
 * - Hard, precise work (code generation, debugging, logical reasoning, contract analysis): the
 *   premium models lead, claude-sonnet-4-5 slightly ahead of gpt-5; ties are rare because answers
 *   differ in correctness. deepseek-chat (DeepSeek V3) is close behind on code, SQL and math at a
 *   fraction of the price, weaker on contracts; claude-haiku-4-5 and gpt-5-mini are mid-pack;
 *   llama-3.1-8b-instant (an 8B model) loses most of these comparisons.
 * - Math word problems and data analysis: gpt-5 and deepseek-chat are the strongest, with many
 *   ties when both reach the right number.
 * - Creative writing and (long) summarisation: the Claude models lead, sonnet most of all.
 * - Casual chat, classification, support FAQ answers, short translations, simple extraction and
 *   routine e-mails: every model does about equally well and most comparisons are ties, so the
 *   price term should decide and the router should save money there; the 8B model is only a little
 *   behind (least on chat and classification, most on structured extraction).
 * The intended effect: where quality differs, the price term has something to trade against (a
 * premium model for contracts and hard code, deepseek-chat where it is nearly as good for far less);
 * where it does not, the cheap models win on price. Lowering costWeight moves code, reasoning and
 * writing to the premium models. (What the router actually picks also depends on the embedder's
 * similarities and on the policy's shrinkage toward each model's global rate; see the README.)
 */

/** The default catalog (router.config.yaml), in the order records are written. */
export const MODELS = ['gpt-5', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'deepseek-chat', 'gpt-5-mini', 'llama-3.1-8b-instant'] as const;
export type ModelId = (typeof MODELS)[number];

export const INTENTS = [
  'code_generation',
  'debugging',
  'code_explanation',
  'sql_generation',
  'math_word_problem',
  'logical_reasoning',
  'data_analysis',
  'summarization',
  'translation',
  'creative_writing',
  'email_drafting',
  'casual_chat',
  'data_extraction',
  'classification',
  'support_faq',
  'contract_analysis',
] as const;
export type IntentId = (typeof INTENTS)[number];

/** Probabilities of one pairwise comparison's outcome for the model: [win, tie, loss], summing to 1. */
export type Outcome = readonly [win: number, tie: number, loss: number];
export type IntentProfile = Readonly<Record<ModelId, Outcome>>;

// Columns: gpt-5, claude-sonnet-4-5, claude-haiku-4-5, deepseek-chat, gpt-5-mini, llama-3.1-8b-instant.
export const PROFILE: Readonly<Record<IntentId, IntentProfile>> = {
  // Coding: premium first, deepseek close, the 8B model far behind.
  code_generation: row([0.62, 0.1, 0.28], [0.74, 0.1, 0.16], [0.38, 0.12, 0.5], [0.6, 0.1, 0.3], [0.28, 0.12, 0.6], [0.1, 0.08, 0.82]),
  debugging: row([0.62, 0.1, 0.28], [0.7, 0.1, 0.2], [0.38, 0.12, 0.5], [0.58, 0.1, 0.32], [0.3, 0.12, 0.58], [0.1, 0.08, 0.82]),
  // Explaining code is easier: more ties, smaller gaps.
  code_explanation: row([0.46, 0.24, 0.3], [0.5, 0.24, 0.26], [0.38, 0.26, 0.36], [0.44, 0.24, 0.32], [0.34, 0.26, 0.4], [0.18, 0.22, 0.6]),
  sql_generation: row([0.54, 0.16, 0.3], [0.6, 0.16, 0.24], [0.4, 0.16, 0.44], [0.58, 0.16, 0.26], [0.32, 0.18, 0.5], [0.14, 0.12, 0.74]),
  // Reasoning: gpt-5 and deepseek strongest at math, premium clearly ahead on logic puzzles.
  math_word_problem: row([0.6, 0.18, 0.22], [0.56, 0.18, 0.26], [0.34, 0.18, 0.48], [0.6, 0.18, 0.22], [0.34, 0.18, 0.48], [0.08, 0.1, 0.82]),
  logical_reasoning: row([0.64, 0.1, 0.26], [0.7, 0.1, 0.2], [0.38, 0.12, 0.5], [0.56, 0.1, 0.34], [0.3, 0.12, 0.58], [0.1, 0.08, 0.82]),
  data_analysis: row([0.62, 0.14, 0.24], [0.6, 0.14, 0.26], [0.4, 0.16, 0.44], [0.52, 0.14, 0.34], [0.34, 0.16, 0.5], [0.14, 0.12, 0.74]),
  // Language: Claude leads summaries and fiction; translation and e-mail are nearly a wash.
  summarization: row([0.42, 0.24, 0.34], [0.54, 0.22, 0.24], [0.46, 0.24, 0.3], [0.36, 0.24, 0.4], [0.34, 0.26, 0.4], [0.22, 0.22, 0.56]),
  translation: row([0.32, 0.4, 0.28], [0.32, 0.4, 0.28], [0.3, 0.4, 0.3], [0.3, 0.4, 0.3], [0.3, 0.4, 0.3], [0.24, 0.38, 0.38]),
  creative_writing: row([0.5, 0.12, 0.38], [0.64, 0.12, 0.24], [0.5, 0.12, 0.38], [0.4, 0.12, 0.48], [0.34, 0.12, 0.54], [0.24, 0.1, 0.66]),
  email_drafting: row([0.38, 0.32, 0.3], [0.4, 0.32, 0.28], [0.36, 0.32, 0.32], [0.32, 0.32, 0.36], [0.34, 0.32, 0.34], [0.26, 0.3, 0.44]),
  // Small talk: everyone is fine, nearly half the comparisons are ties.
  casual_chat: row([0.28, 0.46, 0.26], [0.28, 0.46, 0.26], [0.28, 0.46, 0.26], [0.26, 0.46, 0.28], [0.27, 0.46, 0.27], [0.25, 0.46, 0.29]),
  // Business: simple extraction, labels and FAQ answers are cheap-model work; contracts are not.
  data_extraction: row([0.34, 0.38, 0.28], [0.34, 0.38, 0.28], [0.3, 0.38, 0.32], [0.3, 0.38, 0.32], [0.32, 0.4, 0.28], [0.22, 0.36, 0.42]),
  classification: row([0.27, 0.46, 0.27], [0.27, 0.46, 0.27], [0.27, 0.46, 0.27], [0.26, 0.46, 0.28], [0.27, 0.46, 0.27], [0.25, 0.46, 0.29]),
  support_faq: row([0.29, 0.42, 0.29], [0.3, 0.42, 0.28], [0.29, 0.42, 0.29], [0.27, 0.42, 0.31], [0.29, 0.42, 0.29], [0.25, 0.4, 0.35]),
  contract_analysis: row([0.62, 0.12, 0.26], [0.7, 0.12, 0.18], [0.42, 0.14, 0.44], [0.44, 0.14, 0.42], [0.3, 0.14, 0.56], [0.1, 0.1, 0.8]),
};

/** Comparisons drawn per (prompt, model): a plausible spread of evaluation effort. */
export const COMPARISONS = { min: 4, max: 12 } as const;

function row(...outcomes: readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome]): IntentProfile {
  const [gpt4o, sonnet, haiku, deepseek, mini, llama] = outcomes;
  return { 'gpt-5': gpt4o, 'claude-sonnet-4-5': sonnet, 'claude-haiku-4-5': haiku, 'deepseek-chat': deepseek, 'gpt-5-mini': mini, 'llama-3.1-8b-instant': llama };
}

/** Expected success rate (a tie counts half) of one outcome triple. */
export function expectedRate([win, tie]: Outcome): number {
  return win + tie / 2;
}

export function isIntentId(value: string): value is IntentId {
  return (INTENTS as readonly string[]).includes(value);
}

/** Everything wrong with the profile (triples that are negative or do not sum to 1; unbalanced intents). */
export function profileProblems(): string[] {
  const problems: string[] = [];
  for (const intent of INTENTS) {
    const rates: number[] = [];
    for (const model of MODELS) {
      const outcome = PROFILE[intent][model];
      const sum = outcome[0] + outcome[1] + outcome[2];
      if (outcome.some((p) => p < 0) || Math.abs(sum - 1) > 1e-9) problems.push(`${intent}/${model}: [${outcome.join(', ')}] must be non-negative and sum to 1`);
      rates.push(expectedRate(outcome));
    }
    const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
    // Pairwise outcomes are zero-sum, so an intent's mean rate far from 0.5 is an inconsistent profile.
    if (Math.abs(mean - 0.5) > 0.03) problems.push(`${intent}: mean success rate ${mean.toFixed(3)} is not close to 0.5`);
  }
  return problems;
}
