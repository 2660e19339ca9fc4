import { describe, expect, it } from 'vitest';
import { loadTinyEmbedder, tempDir } from '../../test/helpers/test-deps.js';
import { silentLogger } from '../shared/logger.js';
import { createEmbedder } from './create-embedder.js';
import { TransformersEmbedder } from './transformers-embedder.js';

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

describe('TransformersEmbedder (tiny offline model, real pipeline)', () => {
  it('returns unit vectors of the model width, in batches, deterministically', async () => {
    const embedder = await loadTinyEmbedder();
    expect(embedder.fingerprint).toEqual({ backend: 'transformers', modelId: 'tiny-bert@fp32', dims: 256, pooling: 'mean' });
    const texts = Array.from({ length: 70 }, (_, i) => `write a python function number ${i}`);
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(70);
    for (const v of vectors) {
      expect(v.length).toBe(256);
      expect(dot(v, v)).toBeCloseTo(1, 4);
    }
    const [again] = await embedder.embed([texts[5] ?? '']);
    expect(Array.from(again ?? [])).toEqual(Array.from(vectors[5] ?? []));
  });

  it('places a paraphrase closer than an unrelated prompt', async () => {
    const [a, b, c] = await (await loadTinyEmbedder()).embed([
      'Write a Python function that merges two sorted lists',
      'Implement a python function to merge sorted arrays',
      'Recommend a good pair of hiking boots for wide feet',
    ]);
    if (!a || !b || !c) throw new Error('missing vectors');
    expect(dot(a, b)).toBeGreaterThan(dot(a, c));
  });

  it('fails with MODEL_NOT_READY for a model that is not there, without the network', async () => {
    const { dir, cleanup } = tempDir();
    await expect(
      TransformersEmbedder.create({ modelId: 'no/such-model', localModelPath: dir, cacheDir: dir, allowRemote: false, dtype: 'fp32', batchSize: 8 }),
    ).rejects.toMatchObject({ code: 'MODEL_NOT_READY' });
    cleanup();
  });

  it('auto falls back to the bundled USE Lite when the model cannot load, and says so once', async () => {
    const { dir, cleanup } = tempDir();
    const warnings: string[] = [];
    const logger = silentLogger();
    logger.warn = ((...args: unknown[]) => void warnings.push(String(args.at(-1)))) as typeof logger.warn;
    const embedder = await createEmbedder(
      { backend: 'auto', modelId: 'no/such-model', localModelPath: dir, allowRemote: false, dtype: 'fp32', batchSize: 8, lexicalDims: 128 },
      dir,
      logger,
    );
    cleanup();
    // The warning names why USE Lite did not load when it falls through to lexical (seen twice under load).
    expect(embedder.fingerprint.backend, warnings.join('\n')).toBe('use-lite');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('LOCAL_MODEL_PATH');
  });
});
