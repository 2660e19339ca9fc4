import path from 'node:path';
import type { EmbeddingConfig } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import type { Embedder } from './embedder.js';
import { LexicalEmbedder } from './lexical-embedder.js';
import { TransformersEmbedder } from './transformers-embedder.js';

/**
 * Builds the configured embedder. `auto` tries the transformers model and falls back to the lexical
 * embedder with one warning that says why and how to get the real model.
 */
export async function createEmbedder(config: EmbeddingConfig, dataDir: string, logger: Logger): Promise<Embedder> {
  if (config.backend === 'lexical') return new LexicalEmbedder({ dims: config.lexicalDims });
  const options = {
    modelId: config.modelId,
    cacheDir: config.cacheDir ?? path.join(dataDir, 'models'),
    allowRemote: config.allowRemote,
    dtype: config.dtype,
    batchSize: config.batchSize,
    ...(config.localModelPath !== undefined ? { localModelPath: config.localModelPath } : {}),
  };
  if (config.backend === 'transformers') return TransformersEmbedder.create(options);
  try {
    return await TransformersEmbedder.create(options);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    logger.warn(
      { model: config.modelId, reason },
      `embedding model ${config.modelId} could not be loaded, so routing uses the lexical embedder (word and character n-grams), ` +
        'which matches wording rather than meaning. To use the real model, allow downloads from the Hugging Face hub ' +
        '(ROUTER_EMBEDDING__ALLOW_REMOTE=true, the default, with network access) or put the model files in a folder and set ' +
        `ROUTER_EMBEDDING__LOCAL_MODEL_PATH=<folder> (holding ${config.modelId}/config.json, tokenizer.json, onnx/model.onnx).`,
    );
    return new LexicalEmbedder({ dims: config.lexicalDims });
  }
}
