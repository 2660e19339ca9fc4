import type { Embedder, EmbedderFingerprint } from '../embedding/embedder.js';
import { textKey } from './vector-cache.js';

/**
 * Remembers every vector by the text's hash. The eval embeds each prompt once up front; every fold
 * then seeds its references (ReferenceIndex.embedMissing) and routes its test prompts from memory.
 * `preload` and `vectors` let the caller keep the vectors on disk between runs.
 */
export class CachingEmbedder implements Embedder {
  private readonly cache = new Map<string, Float32Array>();
  private added = 0;

  constructor(
    private readonly inner: Embedder,
    private readonly options: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
  ) {}

  get fingerprint(): EmbedderFingerprint {
    return this.inner.fingerprint;
  }

  /** Vectors embedded since construction (not preloaded). */
  get newlyEmbedded(): number {
    return this.added;
  }

  get vectors(): ReadonlyMap<string, Float32Array> {
    return this.cache;
  }

  preload(vectors: ReadonlyMap<string, Float32Array>): void {
    for (const [key, v] of vectors) if (v.length === this.fingerprint.dims) this.cache.set(key, v);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const keys = texts.map(textKey);
    const missing = [...new Map(texts.map((t, i) => [keys[i] ?? '', t])).entries()].filter(([key]) => !this.cache.has(key));
    const batch = this.options.batchSize ?? 256;
    for (let start = 0; start < missing.length; start += batch) {
      const chunk = missing.slice(start, start + batch);
      const vectors = await this.inner.embed(chunk.map(([, text]) => text));
      chunk.forEach(([key], i) => {
        const v = vectors[i];
        if (!v) throw new Error('the embedder returned fewer vectors than texts');
        this.cache.set(key, v);
      });
      this.added += chunk.length;
      this.options.onProgress?.(Math.min(start + batch, missing.length), missing.length);
    }
    return keys.map((key) => {
      const v = this.cache.get(key);
      if (!v) throw new Error('unreachable: every text was embedded');
      return v;
    });
  }
}
