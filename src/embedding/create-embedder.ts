import path from 'node:path';
import type { EmbeddingConfig } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import type { Embedder } from './embedder.js';
import { fallbackFields, fallbackWarning, firstLine } from './fallback-warning.js';
import { LexicalEmbedder } from './lexical-embedder.js';
import { TransformersEmbedder, type TransformersEmbedderOptions } from './transformers-embedder.js';
import { UseLiteEmbedder } from './use-lite-embedder.js';

/**
 * Builds the configured embedder in this thread (scripts, evals; the service uses createEmbedderPool). `auto` prefers the transformers model, then the bundled Universal
 * Sentence Encoder Lite, then the lexical embedder, and logs one warning naming what loaded and why
 * the better ones did not. An explicit backend never falls back: its load error surfaces.
 */
/** The settings an in-process embedder needs (the pool's settings are not). */
export type EmbedderChoice = Pick<EmbeddingConfig, 'backend' | 'modelId' | 'localModelPath' | 'cacheDir' | 'allowRemote' | 'dtype' | 'batchSize' | 'lexicalDims'>;

export async function createEmbedder(config: EmbedderChoice, dataDir: string, logger: Logger): Promise<Embedder> {
  switch (config.backend) {
    case 'lexical':
      return new LexicalEmbedder({ dims: config.lexicalDims });
    case 'use-lite':
      return UseLiteEmbedder.create({ batchSize: config.batchSize ?? 32 });
    case 'transformers':
      return TransformersEmbedder.create(transformersOptions(config, dataDir));
    case 'auto':
      return autoEmbedder(config, dataDir, logger);
  }
}

function transformersOptions(config: EmbedderChoice, dataDir: string): TransformersEmbedderOptions {
  return {
    modelId: config.modelId,
    cacheDir: config.cacheDir ?? path.join(dataDir, 'models'),
    allowRemote: config.allowRemote,
    dtype: config.dtype,
    batchSize: config.batchSize ?? 8,
    ...(config.localModelPath !== undefined ? { localModelPath: config.localModelPath } : {}),
  };
}

async function autoEmbedder(config: EmbedderChoice, dataDir: string, logger: Logger): Promise<Embedder> {
  let transformersReason: string;
  try {
    return await TransformersEmbedder.create(transformersOptions(config, dataDir));
  } catch (error) {
    transformersReason = firstLine(error);
  }
  try {
    const embedder = await UseLiteEmbedder.create({ batchSize: config.batchSize ?? 32 });
    const reasons = { modelId: config.modelId, dtype: config.dtype, transformersReason };
    logger.warn(fallbackFields(reasons, embedder.fingerprint.modelId), fallbackWarning(reasons));
    return embedder;
  } catch (error) {
    const useLiteReason = firstLine(error);
    const reasons = { modelId: config.modelId, dtype: config.dtype, transformersReason, useLiteReason };
    logger.warn(fallbackFields(reasons, 'lexical'), fallbackWarning(reasons));
    return new LexicalEmbedder({ dims: config.lexicalDims });
  }
}
