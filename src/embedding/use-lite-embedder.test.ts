import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/test-deps.js';
import { silentLogger } from '../shared/logger.js';
import { createEmbedder } from './create-embedder.js';
import { UseLiteEmbedder } from './use-lite-embedder.js';

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

// The real bundled model, loaded once for the file: loading parses ~28 MB of weights.
let embedder: UseLiteEmbedder;
beforeAll(async () => {
  embedder = await UseLiteEmbedder.create({ batchSize: 16 });
});

describe('UseLiteEmbedder (bundled USE Lite weights, offline)', () => {
  it('returns 512-dimensional unit vectors across batches, deterministically', async () => {
    expect(embedder.fingerprint).toMatchObject({ backend: 'use-lite', dims: 512, pooling: 'use' });
    expect(embedder.fingerprint.modelId).toMatch(/^universal-sentence-encoder-lite@\d+\.\d+\.\d+$/);
    const texts = Array.from({ length: 40 }, (_, i) => `write a python function number ${i}`);
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(40);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(512);
      expect(dot(v, v)).toBeCloseTo(1, 4);
    }
    const again = await embedder.embed(texts);
    expect(again.map((v) => Array.from(v))).toEqual(vectors.map((v) => Array.from(v)));
    const [alone] = await embedder.embed([texts[33] ?? '']);
    expect(dot(alone ?? new Float32Array(512), vectors[33] ?? new Float32Array(512))).toBeCloseTo(1, 4);
  });

  it('places a paraphrase closer than an unrelated prompt', async () => {
    const [a, b, c] = await embedder.embed([
      'Write a Python function that merges two sorted lists',
      'Implement a function in Python to merge two ordered arrays',
      'Recommend a good pair of hiking boots for wide feet',
    ]);
    if (!a || !b || !c) throw new Error('missing vectors');
    expect(dot(a, b)).toBeGreaterThan(dot(a, c) + 0.2);
  });

  it('gives an empty text the zero vector without shifting the other rows', async () => {
    const [first, empty, last] = await embedder.embed(['hello there', '', 'good morning']);
    const [hello, morning] = await embedder.embed(['hello there', 'good morning']);
    expect(Array.from(empty ?? [1])).toEqual(new Array(512).fill(0));
    expect(dot(first ?? new Float32Array(512), hello ?? new Float32Array(512))).toBeCloseTo(1, 4);
    expect(dot(last ?? new Float32Array(512), morning ?? new Float32Array(512))).toBeCloseTo(1, 4);
    expect(await embedder.embed([''])).toHaveLength(1);
  });

  it('auto falls back to USE Lite when the transformers model cannot load, and says so once', async () => {
    const { dir, cleanup } = tempDir();
    const warnings: string[] = [];
    const logger = silentLogger();
    logger.warn = ((...args: unknown[]) => void warnings.push(String(args.at(-1)))) as typeof logger.warn;
    const auto = await createEmbedder(
      { backend: 'auto', modelId: 'no/such-model', localModelPath: dir, allowRemote: false, dtype: 'fp32', batchSize: 8, lexicalDims: 128 },
      dir,
      logger,
    ).finally(cleanup);
    expect(auto.fingerprint).toEqual(embedder.fingerprint);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Universal Sentence Encoder Lite');
    expect(warnings[0]).toContain('LOCAL_MODEL_PATH');
  });
});
