import path from 'node:path';
import { env, mean_pooling, pipeline, type FeatureExtractionPipeline, type Tensor } from '@huggingface/transformers';
import { AppError } from '../shared/errors.js';
import type { Embedder, EmbedderFingerprint } from './embedder.js';

export interface TransformersEmbedderOptions {
  modelId: string;
  /** Folder with `<modelId>/` subfolders; searched before the hub. */
  localModelPath?: string;
  cacheDir: string;
  allowRemote: boolean;
  dtype: 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4';
  batchSize: number;
}

/** Sentence embeddings from a transformers.js feature-extraction pipeline, mean-pooled and normalised. */
export class TransformersEmbedder implements Embedder {
  private constructor(
    private readonly extractor: FeatureExtractionPipeline,
    readonly fingerprint: EmbedderFingerprint,
    private readonly batchSize: number,
  ) {}

  /** Loads the model (from the local folder, the cache, or the hub when allowed) and warms it up. */
  static async create(options: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
    // transformers.js keeps these settings on a process-wide object; this is the one place that sets them.
    env.allowRemoteModels = options.allowRemote;
    env.allowLocalModels = true;
    if (options.localModelPath !== undefined) env.localModelPath = withTrailingSlash(path.resolve(options.localModelPath));
    env.cacheDir = options.cacheDir;
    let extractor: FeatureExtractionPipeline;
    try {
      extractor = await pipeline('feature-extraction', options.modelId, { dtype: options.dtype });
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new AppError('MODEL_NOT_READY', `cannot load embedding model ${options.modelId}: ${reason}`, undefined, { cause });
    }
    const probe = await extractor(['warm up'], { pooling: 'mean', normalize: true });
    const dims = probe.dims.at(-1) ?? 0;
    const fingerprint = { backend: 'transformers', modelId: `${options.modelId}@${options.dtype}`, dims, pooling: 'mean' } as const;
    return new TransformersEmbedder(extractor, fingerprint, options.batchSize);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      const batch = texts.slice(start, start + this.batchSize);
      const tensor = await this.embedBatch(batch);
      const data = tensor.data;
      if (!(data instanceof Float32Array)) throw new AppError('INTERNAL', `embedding model returned ${tensor.type} data, expected float32`);
      const dims = this.fingerprint.dims;
      for (let i = 0; i < batch.length; i++) out.push(data.slice(i * dims, (i + 1) * dims));
    }
    return out;
  }

  /**
   * The feature-extraction pipeline's steps (tokenize with padding and truncation, run the model,
   * mean-pool over the attention mask, L2-normalise), with one fix: transformers.js truncates by
   * chopping the encoded ids, [SEP] included, where sentence-transformers keeps [CLS] … [SEP].
   */
  private async embedBatch(batch: readonly string[]): Promise<Tensor> {
    const tokenizer = this.extractor.tokenizer;
    const inputs = tokenizer([...batch], { padding: true, truncation: true });
    keepSeparatorWhenCut(inputs, tokenizer.sep_token_id);
    const outputs = await this.extractor.model(inputs);
    return mean_pooling(outputs.last_hidden_state, inputs.attention_mask).normalize(2, -1);
  }
}

/** A row that fills the whole width and does not end in [SEP] was cut: its last token becomes [SEP]. */
function keepSeparatorWhenCut(inputs: { input_ids: Tensor; attention_mask: Tensor }, sepId: number | undefined): void {
  const [rows = 0, width = 0] = inputs.input_ids.dims;
  const ids = inputs.input_ids.data;
  const mask = inputs.attention_mask.data;
  if (sepId === undefined || !(ids instanceof BigInt64Array) || width === 0) return;
  const sep = BigInt(sepId);
  for (let r = 0; r < rows; r++) {
    const last = r * width + width - 1;
    if (Number(mask[last]) === 1 && ids[last] !== sep) ids[last] = sep;
  }
}

function withTrailingSlash(dir: string): string {
  return dir.endsWith(path.sep) ? dir : dir + path.sep;
}
