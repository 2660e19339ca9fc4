import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import hnswlib from 'hnswlib-node';
import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import type { IndexDescription, Neighbor, VectorIndex } from './vector-index.js';

export interface HnswOptions {
  dims: number;
  capacity?: number;
  m?: number;
  efConstruction?: number;
  efSearch?: number;
  seed?: number;
}

/** What must match for a saved index file to be reused. */
export interface ExpectedIndex {
  dims: number;
  fingerprint: string;
  count: number;
}

export type LoadResult = { ok: true; index: HnswIndex } | { ok: false; reason: 'missing' | 'unreadable' | 'stale' };

/** Written beside the index; the size and hash keep a truncated or garbage file away from the native reader. */
const SidecarSchema = z.object({
  version: z.literal(1),
  dims: z.number().int(),
  count: z.number().int(),
  capacity: z.number().int(),
  fingerprint: z.string(),
  bytes: z.number().int(),
  sha256: z.string(),
  options: z.object({ m: z.number(), efConstruction: z.number(), efSearch: z.number(), seed: z.number() }),
  labels: z.array(z.number().int()),
});

/** Cosine k-NN over hnswlib; the only module that imports hnswlib-node. */
export class HnswIndex implements VectorIndex {
  readonly dims: number;
  private readonly native: hnswlib.HierarchicalNSW;
  private readonly live = new Set<number>();
  private readonly options: Required<Omit<HnswOptions, 'capacity' | 'dims'>>;
  private capacity: number;

  constructor(opts: HnswOptions, existing?: { native: hnswlib.HierarchicalNSW; labels: readonly number[] }) {
    this.dims = opts.dims;
    this.options = { m: opts.m ?? 16, efConstruction: opts.efConstruction ?? 200, efSearch: opts.efSearch ?? 64, seed: opts.seed ?? 100 };
    if (existing) {
      this.native = existing.native;
      this.capacity = existing.native.getMaxElements();
      for (const label of existing.labels) this.live.add(label);
    } else {
      this.capacity = Math.max(16, opts.capacity ?? 1024);
      this.native = new hnswlib.HierarchicalNSW('cosine', this.dims);
      this.native.initIndex(this.capacity, this.options.m, this.options.efConstruction, this.options.seed);
    }
    this.native.setEf(this.options.efSearch);
  }

  get size(): number {
    return this.live.size;
  }

  add(label: number, vector: Float32Array): void {
    this.checkDims(vector);
    // hnswlib keeps deleted points; they still occupy a slot, so grow on the native count.
    if (!this.live.has(label) && this.native.getCurrentCount() >= this.capacity) {
      this.capacity *= 2;
      this.native.resizeIndex(this.capacity);
    }
    // Re-adding an existing (or deleted) label updates its vector and un-deletes it.
    this.native.addPoint(Array.from(vector), label);
    this.live.add(label);
  }

  remove(label: number): void {
    if (!this.live.delete(label)) return;
    this.native.markDelete(label);
  }

  has(label: number): boolean {
    return this.live.has(label);
  }

  search(vector: Float32Array, k: number): Neighbor[] {
    this.checkDims(vector);
    const n = Math.min(Math.floor(k), this.live.size);
    if (n <= 0) return [];
    // ef below k would return fewer or worse neighbours than asked for.
    if (this.native.getEf() < n) this.native.setEf(n);
    const { neighbors, distances } = this.native.searchKnn(Array.from(vector), n);
    if (this.native.getEf() !== this.options.efSearch) this.native.setEf(this.options.efSearch);
    // Cosine distance is 1 − similarity: this is the one place that converts.
    return neighbors.map((label, i) => ({ label, similarity: 1 - (distances[i] ?? 1) }));
  }

  setEfSearch(ef: number): void {
    this.options.efSearch = ef;
    this.native.setEf(ef);
  }

  describe(): IndexDescription {
    return { kind: 'hnsw', dims: this.dims, size: this.size, capacity: this.capacity, efSearch: this.options.efSearch };
  }

  /** Writes the index and its sidecar to temp files, then renames them over the old ones. */
  save(path: string, fingerprint: string): void {
    const tmp = `${path}.tmp-${process.pid}`;
    this.native.writeIndexSync(tmp);
    const bytes = readFileSync(tmp);
    const sidecar: z.infer<typeof SidecarSchema> = {
      version: 1,
      dims: this.dims,
      count: this.size,
      capacity: this.capacity,
      fingerprint,
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      options: { ...this.options },
      labels: [...this.live],
    };
    writeFileSync(`${tmp}.json`, JSON.stringify(sidecar));
    renameSync(tmp, path);
    renameSync(`${tmp}.json`, `${path}.json`);
  }

  /** Loads a saved index if its sidecar matches what the caller expects and the file is intact. */
  static load(path: string, expected: ExpectedIndex): LoadResult {
    if (!existsSync(path) || !existsSync(`${path}.json`)) return { ok: false, reason: 'missing' };
    const sidecar = readSidecar(`${path}.json`);
    if (!sidecar) return { ok: false, reason: 'unreadable' };
    if (sidecar.dims !== expected.dims || sidecar.fingerprint !== expected.fingerprint || sidecar.count !== expected.count) {
      return { ok: false, reason: 'stale' };
    }
    if (statSync(path).size !== sidecar.bytes) return { ok: false, reason: 'unreadable' };
    if (createHash('sha256').update(readFileSync(path)).digest('hex') !== sidecar.sha256) return { ok: false, reason: 'unreadable' };
    try {
      const native = new hnswlib.HierarchicalNSW('cosine', sidecar.dims);
      native.readIndexSync(path);
      return { ok: true, index: new HnswIndex({ dims: sidecar.dims, ...sidecar.options }, { native, labels: sidecar.labels }) };
    } catch {
      return { ok: false, reason: 'unreadable' };
    }
  }

  private checkDims(vector: Float32Array): void {
    if (vector.length !== this.dims) {
      throw new AppError('DIMENSION_MISMATCH', `vector has ${vector.length} dimensions, the index ${this.dims}`);
    }
  }
}

function readSidecar(file: string): z.infer<typeof SidecarSchema> | undefined {
  try {
    const parsed = SidecarSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
