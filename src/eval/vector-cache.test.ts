import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/test-deps.js';
import type { Embedder } from '../embedding/embedder.js';
import { CachingEmbedder } from './caching-embedder.js';
import { cacheFile, loadVectors, saveVectors, textKey } from './vector-cache.js';

/** Counts the texts it is asked to embed; vector = [length, 1]. */
function countingEmbedder(): Embedder & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fingerprint: { backend: 'use-lite', modelId: 'toy@1', dims: 2, pooling: 'none' },
    embed: async (texts) => {
      calls.push(...texts);
      return texts.map((t) => Float32Array.from([t.length, 1]));
    },
  };
}

describe('vector cache', () => {
  it('saves and loads vectors by text hash, per embedder fingerprint', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = cacheFile(dir, countingEmbedder().fingerprint);
      expect(file.endsWith('use-lite_toy@1_2_none.f32')).toBe(true);
      saveVectors(file, 2, new Map([[textKey('hi'), Float32Array.from([0.5, -1])]]));
      const loaded = loadVectors(file, 2);
      expect([...(loaded.get(textKey('hi')) ?? [])]).toEqual([0.5, -1]);
      // Another width, or no file, is an empty cache.
      expect(loadVectors(file, 3).size).toBe(0);
      expect(loadVectors(`${file}.missing`, 2).size).toBe(0);
    } finally {
      cleanup();
    }
  });

  it('embeds each distinct text once and serves repeats and preloaded vectors from memory', async () => {
    const inner = countingEmbedder();
    const caching = new CachingEmbedder(inner, { batchSize: 2 });
    caching.preload(new Map([[textKey('known'), Float32Array.from([9, 9])]]));
    const out = await caching.embed(['a', 'bb', 'a', 'known', 'ccc']);
    expect(out.map((v) => v[0])).toEqual([1, 2, 1, 9, 3]);
    expect(inner.calls).toEqual(['a', 'bb', 'ccc']);
    await caching.embed(['bb']);
    expect(inner.calls).toHaveLength(3);
    expect(caching.newlyEmbedded).toBe(3);
  });
});
