import os from 'node:os';
import path from 'node:path';
import type { EmbeddingConfig } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import { hasBudget, reportsCuts, type Embedder, type EmbedderPool, type InputBudget } from './embedder.js';
import { fallbackFields, fallbackWarning, firstLine } from './fallback-warning.js';
import { LexicalEmbedder } from './lexical-embedder.js';
import { BoundedEmbedderPool, type PoolSettings } from './pool.js';
import { WorkerPool } from './worker-pool.js';
import type { WorkerSpec } from './worker-protocol.js';

/**
 * Default character budgets (embedding.maxChars). use-lite's cost grows faster than linearly with
 * length (measured here: ~0.1 s at 2,000 characters, 0.29 s at 8,000, 1.3 s at 20,000, 143 s at
 * 190,000); lexical costs ~1 ms per 4,000 characters on the event loop. See README "Input budget".
 */
export const DEFAULT_MAX_CHARS = { 'use-lite': 2_000, lexical: 4_000 } as const;

/** Budget for transformers before the model says its own (the pool then takes the smaller). */
const UNBOUNDED_CHARS = Number.MAX_SAFE_INTEGER;

/**
 * Builds the service's embedder pool. `auto` tries the transformers model (local folder, cache, then
 * the hub when allowed), then the bundled USE Lite, then lexical, logging one warning that says what
 * loaded and why. Model backends run on worker threads; lexical runs in-process under its budget.
 */
export async function createEmbedderPool(config: EmbeddingConfig, dataDir: string, logger: Logger): Promise<EmbedderPool> {
  const log = logger.child({ module: 'embedding' });
  switch (config.backend) {
    case 'lexical':
      return lexicalPool(config);
    case 'use-lite':
    case 'transformers':
      return workerPool(config, config.backend, dataDir, log);
    case 'auto':
      return autoPool(config, dataDir, log);
  }
}

/** Wraps an embedder built elsewhere (tests, benchmarks) in the same budget and cache, in-process. */
export function inProcessPool(embedder: Embedder, config: EmbeddingConfig): EmbedderPool {
  if (reportsCuts(embedder)) return embedder;
  const own: Partial<InputBudget> = hasBudget(embedder) ? embedder.budget : {};
  const backend = embedder.fingerprint.backend;
  const configured = backend === 'transformers' ? UNBOUNDED_CHARS : (config.maxChars ?? DEFAULT_MAX_CHARS[backend]);
  return BoundedEmbedderPool.inProcess(embedder, settings(config, Math.min(configured, own.maxChars ?? Infinity)));
}

function lexicalPool(config: EmbeddingConfig): EmbedderPool {
  return BoundedEmbedderPool.inProcess(new LexicalEmbedder({ dims: config.lexicalDims }), settings(config, config.maxChars ?? DEFAULT_MAX_CHARS.lexical));
}

async function workerPool(config: EmbeddingConfig, backend: 'use-lite' | 'transformers', dataDir: string, logger: Logger): Promise<EmbedderPool> {
  const cores = os.availableParallelism();
  const size = config.pool.size > 0 ? config.pool.size : cores;
  const spec: WorkerSpec =
    backend === 'use-lite'
      ? { backend, batchSize: batchSizeFor(config, backend) }
      : { backend, transformers: transformersOptions(config, dataDir, config.pool.intraOpThreads || Math.max(1, Math.floor(cores / size))) };
  const workers = await WorkerPool.start({ spec, size, maxBatch: batchSizeFor(config, backend), maxWaitMs: config.pool.maxWaitMs, maxHeapMb: config.pool.maxHeapMb, logger });
  const maxChars = backend === 'use-lite' ? (config.maxChars ?? DEFAULT_MAX_CHARS['use-lite']) : UNBOUNDED_CHARS;
  return BoundedEmbedderPool.inWorkers(workers, settings(config, maxChars));
}

function transformersOptions(config: EmbeddingConfig, dataDir: string, intraOpThreads: number) {
  return {
    modelId: config.modelId,
    cacheDir: config.cacheDir ?? path.join(dataDir, 'models'),
    allowRemote: config.allowRemote,
    dtype: config.dtype,
    batchSize: batchSizeFor(config, 'transformers'),
    keep: config.keep,
    intraOpThreads,
    ...(config.maxTokens !== undefined ? { maxTokens: config.maxTokens } : {}),
    ...(config.localModelPath !== undefined ? { localModelPath: config.localModelPath } : {}),
  };
}

/** Default texts per model call by backend (see embedding.batchSize in the schema). */
export const DEFAULT_BATCH_SIZE = { transformers: 8, 'use-lite': 32 } as const;

export function batchSizeFor(config: Pick<EmbeddingConfig, 'batchSize'>, backend: 'transformers' | 'use-lite'): number {
  return config.batchSize ?? DEFAULT_BATCH_SIZE[backend];
}

function settings(config: EmbeddingConfig, maxChars: number): PoolSettings {
  const cache = config.cache;
  return {
    budget: { maxChars, keep: config.keep },
    cache: cache.enabled && cache.maxEntries > 0 ? { maxEntries: cache.maxEntries, maxBytes: cache.maxMb * 2 ** 20 } : undefined,
  };
}

async function autoPool(config: EmbeddingConfig, dataDir: string, logger: Logger): Promise<EmbedderPool> {
  let transformersReason: string;
  try {
    return await workerPool(config, 'transformers', dataDir, logger);
  } catch (error) {
    transformersReason = firstLine(error);
  }
  try {
    const pool = await workerPool(config, 'use-lite', dataDir, logger);
    const reasons = { modelId: config.modelId, dtype: config.dtype, transformersReason };
    logger.warn(fallbackFields(reasons, pool.fingerprint.modelId), fallbackWarning(reasons));
    return pool;
  } catch (error) {
    const useLiteReason = firstLine(error);
    const reasons = { modelId: config.modelId, dtype: config.dtype, transformersReason, useLiteReason };
    logger.warn(fallbackFields(reasons, 'lexical'), fallbackWarning(reasons));
    return lexicalPool(config);
  }
}
