import type { CatalogModel } from '../config/schema.js';
import { isRecord } from './chat-request.js';

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** Tokens and whether they were estimated (the upstream sent no usage). */
export interface CountedUsage extends Usage {
  readonly estimated: boolean;
}

/** Reads `usage` from an OpenAI chat completion body (or stream chunk); null when it has none. */
export function usageOf(body: unknown): Usage | null {
  if (!isRecord(body) || !isRecord(body['usage'])) return null;
  const u = body['usage'];
  const prompt = typeof u['prompt_tokens'] === 'number' ? u['prompt_tokens'] : 0;
  const completion = typeof u['completion_tokens'] === 'number' ? u['completion_tokens'] : 0;
  return { promptTokens: prompt, completionTokens: completion };
}

/**
 * The upstream's usage when it gave one; otherwise an estimate: prompt tokens from the request
 * (conversationTokens), completion tokens from the generated characters (about 4 a token).
 */
export function countUsage(reported: Usage | null, estimate: { promptTokens: number; generatedChars: number }): CountedUsage {
  if (reported !== null) return { ...reported, estimated: false };
  return { promptTokens: estimate.promptTokens, completionTokens: Math.ceil(estimate.generatedChars / 4), estimated: true };
}

/** USD for the tokens at the catalog's list prices (per 1M tokens). */
export function costOf(model: Pick<CatalogModel, 'inputPricePer1M' | 'outputPricePer1M'>, usage: Usage): number {
  return (usage.promptTokens * model.inputPricePer1M + usage.completionTokens * model.outputPricePer1M) / 1e6;
}

/** Characters of generated text and tool-call arguments in a non-streamed chat completion. */
export function generatedCharsOf(body: Record<string, unknown>): number {
  const choices = Array.isArray(body['choices']) ? body['choices'] : [];
  let chars = 0;
  for (const choice of choices) {
    const message = isRecord(choice) && isRecord(choice['message']) ? choice['message'] : undefined;
    if (!message) continue;
    if (typeof message['content'] === 'string') chars += message['content'].length;
    if (typeof message['refusal'] === 'string') chars += message['refusal'].length;
    const calls = Array.isArray(message['tool_calls']) ? message['tool_calls'] : [];
    for (const call of calls) {
      const fn = isRecord(call) && isRecord(call['function']) ? call['function'] : undefined;
      if (fn && typeof fn['arguments'] === 'string') chars += fn['arguments'].length;
    }
  }
  return chars;
}
