/**
 * The capability profile behind the bundled, ILLUSTRATIVE win records. These numbers are our
 * stated assumptions, not measurements: for each intent, the chance that a model's answer wins a
 * pairwise comparison against another catalog model's (when it is not a tie), and the chance of a
 * tie. The shape follows public impressions of these models in 2025:
 * - premium models (claude-sonnet-4, gpt-4o) lead on code, debugging, reasoning, math and contracts;
 * - deepseek-chat is close to them on code and math at a fraction of the price;
 * - on chat, classification, FAQ answers, short translation and extraction every model does about
 *   as well (many ties), so the router should save money there;
 * - claude models lead creative writing and summarisation; llama-3.1-8b is weak at reasoning/code.
 */
export const MODELS = ['gpt-4o', 'claude-sonnet-4', 'claude-3-5-haiku', 'deepseek-chat', 'gpt-4o-mini', 'llama-3.1-8b-instant'] as const;
export type ModelId = (typeof MODELS)[number];

export interface IntentProfile {
  /** Win probability per model, in MODELS order. */
  readonly win: readonly [number, number, number, number, number, number];
  readonly tie: number;
}

export const PROFILE: Readonly<Record<string, IntentProfile>> = {
  code_generation: { win: [0.7, 0.75, 0.5, 0.65, 0.4, 0.2], tie: 0.1 },
  debugging: { win: [0.7, 0.72, 0.48, 0.62, 0.38, 0.18], tie: 0.1 },
  code_explanation: { win: [0.62, 0.64, 0.55, 0.58, 0.5, 0.35], tie: 0.25 },
  sql_generation: { win: [0.66, 0.68, 0.5, 0.64, 0.44, 0.25], tie: 0.15 },
  math_word_problem: { win: [0.7, 0.68, 0.48, 0.7, 0.45, 0.2], tie: 0.2 },
  logical_reasoning: { win: [0.72, 0.74, 0.45, 0.64, 0.38, 0.22], tie: 0.12 },
  data_analysis: { win: [0.68, 0.7, 0.5, 0.6, 0.42, 0.25], tie: 0.15 },
  summarization: { win: [0.6, 0.66, 0.58, 0.52, 0.5, 0.4], tie: 0.25 },
  translation: { win: [0.55, 0.56, 0.54, 0.52, 0.52, 0.44], tie: 0.4 },
  creative_writing: { win: [0.62, 0.72, 0.58, 0.48, 0.44, 0.3], tie: 0.15 },
  email_drafting: { win: [0.56, 0.6, 0.55, 0.5, 0.52, 0.44], tie: 0.35 },
  casual_chat: { win: [0.52, 0.54, 0.52, 0.5, 0.52, 0.48], tie: 0.45 },
  data_extraction: { win: [0.58, 0.58, 0.54, 0.54, 0.52, 0.42], tie: 0.35 },
  classification: { win: [0.54, 0.54, 0.53, 0.52, 0.52, 0.46], tie: 0.45 },
  support_faq: { win: [0.54, 0.56, 0.54, 0.5, 0.53, 0.46], tie: 0.4 },
  contract_analysis: { win: [0.7, 0.76, 0.5, 0.52, 0.38, 0.2], tie: 0.12 },
};

/** Comparisons per (prompt, model): a plausible spread of evaluation effort. */
export const MIN_COMPARISONS = 4;
export const MAX_COMPARISONS = 12;
