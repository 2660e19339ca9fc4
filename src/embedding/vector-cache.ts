import { createHash } from 'node:crypto';

export interface VectorCacheOptions {
  /** Most vectors kept. */
  readonly maxEntries: number;
  /** Most bytes of vector data kept (4 bytes per dimension). */
  readonly maxBytes: number;
}

/**
 * Least-recently-used map from a text's SHA-256 to its vector, bounded by count and bytes. Keys are
 * hashes, so a cached prompt is not kept in memory in clear. A hit returns the stored vector itself:
 * callers must not write into it. With a quantised model a text's vector depends slightly on the
 * rest of its batch (1 − cos up to ~2e-5), so a hit equals a fresh embedding only to that tolerance.
 */
export class VectorCache {
  private readonly entries = new Map<string, Float32Array>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly options: VectorCacheOptions) {}

  static keyOf(text: string): string {
    return createHash('sha256').update(text).digest('base64');
  }

  get(key: string): Float32Array | undefined {
    const vector = this.entries.get(key);
    if (vector === undefined) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    // Map keeps insertion order: re-inserting makes this the most recently used entry.
    this.entries.delete(key);
    this.entries.set(key, vector);
    return vector;
  }

  set(key: string, vector: Float32Array): void {
    if (vector.byteLength > this.options.maxBytes || this.options.maxEntries < 1) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.bytes -= previous.byteLength;
      this.entries.delete(key);
    }
    this.entries.set(key, vector);
    this.bytes += vector.byteLength;
    while (this.entries.size > this.options.maxEntries || this.bytes > this.options.maxBytes) this.evictOldest();
  }

  get size(): number {
    return this.entries.size;
  }

  get byteSize(): number {
    return this.bytes;
  }

  private evictOldest(): void {
    const oldest = this.entries.keys().next();
    if (oldest.done === true) return;
    this.bytes -= this.entries.get(oldest.value)?.byteLength ?? 0;
    this.entries.delete(oldest.value);
  }
}
