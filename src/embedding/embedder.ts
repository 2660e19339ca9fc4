import type { EmbeddingPoolFigures } from '../shared/metrics.js';

/** Turns texts into L2-normalised vectors. One implementation per technology. */
export interface Embedder {
  /** Stable description of what produces the vectors; stored in SQLite to decide re-embedding. */
  readonly fingerprint: EmbedderFingerprint;
  /** Embeds texts in batches; every vector has `fingerprint.dims` entries and unit length. */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
}

export interface EmbedOptions {
  /** Aborting drops the texts that have not reached the model yet; the promise rejects with the reason. */
  readonly signal?: AbortSignal;
}

export interface EmbedderFingerprint {
  readonly backend: 'transformers' | 'use-lite' | 'lexical';
  readonly modelId: string;
  readonly dims: number;
  readonly pooling: string;
  /**
   * What the input budget lets through (`inputKey`), set by the pool: a new budget changes the
   * vectors of long texts, so it re-embeds the stored references like a new model does.
   */
  readonly input?: string;
}

/** Characters of a prompt before and after the input budget cut it (after = what reached the model). */
export interface InputCut {
  readonly fromChars: number;
  readonly toChars: number;
}

/**
 * What one text may cost. `maxChars` is applied on the calling thread before anything else (an O(1)
 * slice); transformers models then also cut to `maxTokens` after tokenizing. `keep` says which part
 * survives: the head, or the head and the tail (half the budget each).
 */
export interface InputBudget {
  readonly maxChars: number;
  readonly maxTokens?: number;
  readonly keep: 'head' | 'head+tail';
}

/** Vectors plus, per text, how the budget cut it (undefined: the whole text was embedded). */
export interface EmbedResult {
  readonly vectors: Float32Array[];
  readonly cuts: (InputCut | undefined)[];
}

/**
 * The embedder the service uses: bounded input, batched, cached, and (for model backends) run on
 * worker threads so the event loop only awaits. `close()` stops the workers.
 */
export interface EmbedderPool extends Embedder {
  readonly budget: InputBudget;
  embedWithCuts(texts: readonly string[], options?: EmbedOptions): Promise<EmbedResult>;
  stats(): PoolStats;
  close(): Promise<void>;
}

/** The pool's figures (workers, texts in flight and queued, restarts, cache, per-worker memory in MiB); /metrics exports them. */
export type PoolStats = EmbeddingPoolFigures;

/** True for the pool, which can say when it cut a text; plain embedders cannot. */
export function reportsCuts(embedder: Embedder): embedder is EmbedderPool {
  return 'embedWithCuts' in embedder && typeof embedder.embedWithCuts === 'function';
}

/** True for embedders that know their own input budget (the transformers embedder reads it from the model). */
export function hasBudget(embedder: Embedder): embedder is Embedder & { readonly budget: InputBudget } {
  if (!('budget' in embedder)) return false;
  const budget: unknown = embedder.budget;
  return typeof budget === 'object' && budget !== null && 'maxChars' in budget && typeof budget.maxChars === 'number';
}

export function fingerprintKey(fp: EmbedderFingerprint): string {
  const model = `${fp.backend}:${fp.modelId}:${fp.dims}:${fp.pooling}`;
  return fp.input === undefined ? model : `${model}:${fp.input}`;
}

/**
 * The settings of an effective budget that change vectors, and only those: the characters and (for
 * transformers) tokens that reach the model, and which part is kept. E.g. `chars=2000,keep=head` or
 * `chars=2048,tokens=256,keep=head`. Settings that do not change what the model sees (batch size,
 * cache, pool size, a maxTokens above the model's own limit) leave it as it is.
 */
export function inputKey(budget: InputBudget): string {
  const chars = budget.maxChars >= Number.MAX_SAFE_INTEGER ? 'unbounded' : String(budget.maxChars);
  return [`chars=${chars}`, ...(budget.maxTokens !== undefined ? [`tokens=${budget.maxTokens}`] : []), `keep=${budget.keep}`].join(',');
}

/** Scales a vector to unit length in place; a zero vector stays zero. */
export function normalizeInPlace(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}
