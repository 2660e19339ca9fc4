import { z } from 'zod';
import type { EmbedderFingerprint, InputBudget } from './embedder.js';
import type { TransformersEmbedderOptions } from './transformers-embedder.js';

/** What a transformers worker loads (TransformersEmbedderOptions, checked at compile time to match). */
const TransformersOptionsSchema = z.strictObject({
  modelId: z.string().min(1),
  localModelPath: z.string().optional(),
  cacheDir: z.string(),
  allowRemote: z.boolean(),
  dtype: z.enum(['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4']),
  batchSize: z.number().int().positive(),
  maxTokens: z.number().int().positive().optional(),
  keep: z.enum(['head', 'head+tail']).optional(),
  intraOpThreads: z.number().int().min(0).optional(),
}) satisfies z.ZodType<TransformersEmbedderOptions>;

/** Test seam: the worker exits (code 70) when asked to embed exactly this text, as a crash would. */
const exitOnText = z.string().optional();

/**
 * What a worker loads; plain data, since it crosses the thread boundary as workerData. The worker
 * parses it with this schema (a structured clone carries no types).
 */
export const WorkerSpecSchema = z.discriminatedUnion('backend', [
  z.strictObject({ backend: z.literal('transformers'), transformers: TransformersOptionsSchema, exitOnText }),
  z.strictObject({ backend: z.literal('use-lite'), batchSize: z.number().int().positive(), exitOnText }),
  z.strictObject({ backend: z.literal('lexical'), dims: z.number().int().positive(), exitOnText }),
]);
export type WorkerSpec = z.infer<typeof WorkerSpecSchema>;

export type ToWorker = { readonly type: 'embed'; readonly id: number; readonly texts: readonly string[] };

export type FromWorker =
  | { readonly type: 'ready'; readonly fingerprint: EmbedderFingerprint; readonly budget: Partial<InputBudget>; readonly rssGrowthMb: number }
  | { readonly type: 'load-failed'; readonly message: string; readonly code: string | undefined }
  | { readonly type: 'result'; readonly id: number; readonly vectors: Float32Array[]; readonly keptTokenShare: number[] }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

/** Exit code a worker uses for the test seam, so logs can tell it from a real crash. */
export const INJECTED_EXIT_CODE = 70;
