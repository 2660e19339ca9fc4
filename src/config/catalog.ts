import type { CatalogModel } from './schema.js';

/**
 * One price per model for comparing costs: input and output list prices blended by the expected
 * shape of a request (its estimated input tokens and the configured expected output tokens).
 */
export function blendedPricePer1M(model: CatalogModel, inputTokens: number, outputTokens: number): number {
  const total = inputTokens + outputTokens;
  if (total <= 0) return (model.inputPricePer1M + model.outputPricePer1M) / 2;
  return (model.inputPricePer1M * inputTokens + model.outputPricePer1M * outputTokens) / total;
}

/** A rough token estimate (about 4 characters a token for English), enough for context-window checks. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
