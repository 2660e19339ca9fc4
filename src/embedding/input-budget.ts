import type { InputBudget, InputCut } from './embedder.js';

/**
 * Characters kept per token of budget when a transformers model cuts by characters before
 * tokenizing. English WordPiece averages ~4–5 characters per token (MiniLM's tokenizer on CLINC150
 * and routerbench prompts); 8 leaves room for long words and numbers, so the token budget, not this
 * cut, decides what the model sees for ordinary text, while tokenizing stays bounded
 * (256 tokens → 2,048 characters, ~1 ms).
 */
export const CHARS_PER_TOKEN_BOUND = 8;

/** Joins the head and the tail when the middle of a text is cut out. */
const ELLIPSIS = ' … ';

/**
 * Cuts a text to `budget.maxChars`. O(1) in the text's length apart from the kept part (V8 slices
 * share the parent string), so a 200,000-character prompt costs the event loop nothing.
 * Returns the text unchanged (and no cut) when it fits.
 */
export function cutToChars(text: string, budget: Pick<InputBudget, 'maxChars' | 'keep'>): { text: string; cut?: InputCut } {
  const max = budget.maxChars;
  if (text.length <= max) return { text };
  if (budget.keep === 'head') {
    const head = text.slice(0, safeEnd(text, max));
    return { text: head, cut: { fromChars: text.length, toChars: head.length } };
  }
  const headChars = Math.ceil((max - ELLIPSIS.length) / 2);
  const tailChars = Math.max(0, max - ELLIPSIS.length - headChars);
  const head = text.slice(0, safeEnd(text, headChars));
  const tail = tailChars > 0 ? text.slice(safeStart(text, text.length - tailChars)) : '';
  const kept = head + ELLIPSIS + tail;
  return { text: kept, cut: { fromChars: text.length, toChars: head.length + tail.length } };
}

/** Token ids cut to `maxTokens`, keeping the first and last id (the model's [CLS] and [SEP]). */
export function cutTokenIds(ids: readonly number[], maxTokens: number, keep: InputBudget['keep']): number[] {
  if (ids.length <= maxTokens) return [...ids];
  const last = ids[ids.length - 1] ?? 0;
  const body = maxTokens - 1;
  if (keep === 'head') return [...ids.slice(0, body), last];
  const headCount = Math.ceil(body / 2);
  const tailCount = body - headCount;
  return [...ids.slice(0, headCount), ...ids.slice(ids.length - 1 - tailCount)];
}

/** Combines a character cut with a later token cut (share of tokens kept) into one cut. */
export function combineCuts(originalChars: number, charCut: InputCut | undefined, keptTokenShare: number | undefined): InputCut | undefined {
  if (keptTokenShare === undefined || keptTokenShare >= 1) return charCut;
  const sent = charCut?.toChars ?? originalChars;
  return { fromChars: originalChars, toChars: Math.max(1, Math.round(sent * keptTokenShare)) };
}

// Never split a UTF-16 surrogate pair: half an emoji would become U+FFFD in the tokenizer.
function safeEnd(text: string, end: number): number {
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}

function safeStart(text: string, start: number): number {
  const code = text.charCodeAt(start);
  return code >= 0xdc00 && code <= 0xdfff ? start + 1 : start;
}
