import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AutoModel, AutoTokenizer, env, mean_pooling, Tensor, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { AppError } from '../shared/errors.js';
import type { Embedder, EmbedderFingerprint, InputBudget } from './embedder.js';
import { CHARS_PER_TOKEN_BOUND, cutTokenIds } from './input-budget.js';
import { offlineAdvice, type TransformersDtype } from './model-files.js';

export type { TransformersDtype } from './model-files.js';

export interface TransformersEmbedderOptions {
  modelId: string;
  /** Folder with `<modelId>/` subfolders; searched before the hub. */
  localModelPath?: string;
  cacheDir: string;
  allowRemote: boolean;
  dtype: TransformersDtype;
  batchSize: number;
  /** A token budget below the model's own limit (embedding.maxTokens). */
  maxTokens?: number;
  /** Which part of an over-long text is kept. Default head. */
  keep?: InputBudget['keep'];
  /** onnxruntime intra-op threads for this model instance; 0 or unset = onnxruntime's default (all cores). */
  intraOpThreads?: number;
}

/** Per text, the share of its tokens the model saw (1 when nothing was cut). */
export interface TokenCutResult {
  readonly vectors: Float32Array[];
  readonly keptTokenShare: number[];
}

/**
 * Sentence embeddings from a transformers.js encoder: tokenized here, cut to the token budget
 * (keeping [CLS] and [SEP]), padded per batch, mean-pooled over the attention mask and L2-normalised,
 * as sentence-transformers does for all-MiniLM-L6-v2.
 */
export class TransformersEmbedder implements Embedder {
  private constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly model: PreTrainedModel,
    readonly fingerprint: EmbedderFingerprint,
    readonly budget: InputBudget & { maxTokens: number },
    private readonly batchSize: number,
  ) {}

  /** Loads the model (from the local folder, the cache, or the hub when allowed) and warms it up. */
  static async create(options: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
    // transformers.js keeps these settings on a process-wide object; this is the one place that sets them.
    env.allowRemoteModels = options.allowRemote;
    env.allowLocalModels = true;
    if (options.localModelPath !== undefined) env.localModelPath = withTrailingSlash(path.resolve(options.localModelPath));
    env.cacheDir = options.cacheDir;
    let tokenizer: PreTrainedTokenizer;
    let model: PreTrainedModel;
    try {
      tokenizer = await AutoTokenizer.from_pretrained(options.modelId);
      const threads = options.intraOpThreads ?? 0;
      model = await AutoModel.from_pretrained(options.modelId, {
        dtype: options.dtype,
        ...(threads > 0 ? { session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 } } : {}),
      });
    } catch (cause) {
      throw new AppError('MODEL_NOT_READY', loadFailure(options, cause), undefined, { cause });
    }
    const maxTokens = tokenBudget(options, tokenizer, model);
    const keep = options.keep ?? 'head';
    const budget = { maxTokens, maxChars: maxTokens * CHARS_PER_TOKEN_BOUND, keep };
    const probe = new TransformersEmbedder(tokenizer, model, { backend: 'transformers', modelId: '', dims: 0, pooling: 'mean' }, budget, 1);
    const [first] = (await probe.embedCounting(['warm up'])).vectors;
    const fingerprint = { backend: 'transformers', modelId: `${options.modelId}@${options.dtype}`, dims: first?.length ?? 0, pooling: 'mean' } as const;
    return new TransformersEmbedder(tokenizer, model, fingerprint, budget, Math.max(1, options.batchSize));
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return (await this.embedCounting(texts)).vectors;
  }

  /** Embeds in batches of `batchSize` and says, per text, which share of its tokens was kept. */
  async embedCounting(texts: readonly string[]): Promise<TokenCutResult> {
    const vectors: Float32Array[] = [];
    const keptTokenShare: number[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      const ids = texts.slice(start, start + this.batchSize).map((t) => this.tokenizer.encode(t));
      const cut = ids.map((row) => cutTokenIds(row, this.budget.maxTokens, this.budget.keep));
      vectors.push(...(await this.run(cut)));
      ids.forEach((row, i) => keptTokenShare.push((cut[i]?.length ?? row.length) / Math.max(1, row.length)));
    }
    return { vectors, keptTokenShare };
  }

  /** One padded batch through the model; mean pooling over the attention mask, then L2 norm. */
  private async run(rows: readonly number[][]): Promise<Float32Array[]> {
    const width = Math.max(...rows.map((r) => r.length));
    const pad = BigInt(this.tokenizer.pad_token_id ?? 0);
    const ids = new BigInt64Array(rows.length * width).fill(pad);
    const mask = new BigInt64Array(rows.length * width);
    rows.forEach((row, i) => row.forEach((id, j) => {
      ids[i * width + j] = BigInt(id);
      mask[i * width + j] = 1n;
    }));
    const shape = [rows.length, width];
    const attention = new Tensor('int64', mask, shape);
    const outputs: Record<string, Tensor | undefined> = await this.model({
      input_ids: new Tensor('int64', ids, shape),
      attention_mask: attention,
      token_type_ids: new Tensor('int64', new BigInt64Array(rows.length * width), shape),
    });
    const hidden = outputs['last_hidden_state'] ?? outputs['token_embeddings'];
    if (!hidden) throw new AppError('INTERNAL', 'embedding model returned no last_hidden_state');
    const pooled = mean_pooling(hidden, attention).normalize(2, -1);
    const data = pooled.data;
    if (!(data instanceof Float32Array)) throw new AppError('INTERNAL', `embedding model returned ${pooled.type} data, expected float32`);
    const dims = pooled.dims[1] ?? 0;
    return rows.map((_, i) => data.slice(i * dims, (i + 1) * dims));
  }
}

/**
 * The smallest of: the tokenizer's model_max_length (often a huge placeholder), the model config's
 * max_position_embeddings, sentence_bert_config.json's max_seq_length (what sentence-transformers
 * uses; 256 for all-MiniLM-L6-v2), and the configured embedding.maxTokens.
 */
function tokenBudget(options: TransformersEmbedderOptions, tokenizer: PreTrainedTokenizer, model: PreTrainedModel): number {
  const config: unknown = model.config;
  const positions = typeof config === 'object' && config !== null && 'max_position_embeddings' in config ? Number(config.max_position_embeddings) : Infinity;
  const candidates = [tokenizer.model_max_length, positions, sentenceBertMaxSeqLength(options), options.maxTokens ?? Infinity];
  const budget = Math.min(...candidates.filter((n) => Number.isFinite(n) && n > 1));
  return Number.isFinite(budget) ? budget : 512;
}

/** max_seq_length from sentence_bert_config.json in the local folder or the download cache, if any. */
function sentenceBertMaxSeqLength(options: TransformersEmbedderOptions): number {
  const folders = [options.localModelPath, options.cacheDir].filter((d): d is string => d !== undefined);
  for (const folder of folders) {
    const file = path.join(folder, options.modelId, 'sentence_bert_config.json');
    if (!existsSync(file)) continue;
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'max_seq_length' in parsed) return Number(parsed.max_seq_length);
  }
  return Infinity;
}

function loadFailure(options: TransformersEmbedderOptions, cause: unknown): string {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const local = path.join(options.localModelPath ?? options.cacheDir, options.modelId);
  const url = `${env.remoteHost}${options.modelId}/resolve/main/`;
  const where = options.allowRemote ? `looked in ${local} and the cache ${options.cacheDir}, then tried ${url}` : `looked in ${local} and the cache ${options.cacheDir} (downloads off)`;
  // The cause on the first line, the remedy on the second: `auto` logs only the first (firstLine) and
  // gives its own remedy, so a fallback warning says it once.
  return `cannot load embedding model ${options.modelId}: ${reason} (${where}).\n${offlineAdvice(options)}`;
}

function withTrailingSlash(dir: string): string {
  return dir.endsWith(path.sep) ? dir : dir + path.sep;
}
