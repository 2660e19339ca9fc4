import type { EmbedderFingerprint, InputBudget } from './embedder.js';
import type { TransformersEmbedderOptions } from './transformers-embedder.js';

/** What a worker loads; plain data, since it crosses the thread boundary as workerData. */
export type WorkerSpec = (
  | { readonly backend: 'transformers'; readonly transformers: TransformersEmbedderOptions }
  | { readonly backend: 'use-lite'; readonly batchSize: number }
  | { readonly backend: 'lexical'; readonly dims: number }
) & {
  /** Test seam: the worker exits (code 70) when asked to embed exactly this text, as a crash would. */
  readonly exitOnText?: string;
};

export type ToWorker = { readonly type: 'embed'; readonly id: number; readonly texts: readonly string[] };

export type FromWorker =
  | { readonly type: 'ready'; readonly fingerprint: EmbedderFingerprint; readonly budget: Partial<InputBudget>; readonly rssGrowthMb: number }
  | { readonly type: 'load-failed'; readonly message: string; readonly code: string | undefined }
  | { readonly type: 'result'; readonly id: number; readonly vectors: Float32Array[]; readonly keptTokenShare: number[] }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

/** Exit code a worker uses for the test seam, so logs can tell it from a real crash. */
export const INJECTED_EXIT_CODE = 70;
