import type { Embedder } from '../embedding/embedder.js';
import { cacheFile, loadVectors, textKey } from './vector-cache.js';

export interface EmbedProjection {
  /** Distinct prompts without a cached vector. */
  readonly missing: number;
  /** Projected seconds to embed them, from timing a small evenly spread sample. */
  readonly seconds: number;
}

/**
 * How long embedding a dataset would take with this embedder: prompts already in the on-disk cache
 * cost nothing, the rest are projected from `probe` of them embedded now. Model embedders run at a
 * few prompts a second on a small CPU, so `auto` uses this to stay within the eval's time budget.
 */
export async function projectEmbedding(embedder: Embedder, texts: readonly string[], options: { cacheDir?: string; probe?: number }): Promise<EmbedProjection> {
  const cached = options.cacheDir === undefined ? new Map() : loadVectors(cacheFile(options.cacheDir, embedder.fingerprint), embedder.fingerprint.dims);
  const missing = [...new Map(texts.map((t) => [textKey(t), t])).entries()].filter(([key]) => !cached.has(key)).map(([, t]) => t);
  if (missing.length === 0) return { missing: 0, seconds: 0 };
  const size = Math.min(missing.length, options.probe ?? 32);
  const step = missing.length / size;
  const sample = Array.from({ length: size }, (_, i) => missing[Math.floor(i * step)] ?? '');
  const started = performance.now();
  await embedder.embed(sample);
  const perPrompt = (performance.now() - started) / 1000 / size;
  return { missing: missing.length, seconds: perPrompt * missing.length };
}
