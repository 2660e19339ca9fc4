import { AppError } from '../shared/errors.js';
import type { IndexDescription, Neighbor, VectorIndex } from './vector-index.js';

/**
 * Exact cosine k-NN by scanning every vector: the reference HNSW is tested against, and the
 * exact baseline in benchmarks. Vectors sit in one contiguous Float32Array for a fast scan.
 */
export class BruteForceIndex implements VectorIndex {
  private data: Float32Array;
  private labels: number[] = [];
  private readonly slotOf = new Map<number, number>();

  constructor(readonly dims: number, capacity = 1024) {
    this.data = new Float32Array(Math.max(1, capacity) * dims);
  }

  get size(): number {
    return this.labels.length;
  }

  add(label: number, vector: Float32Array): void {
    this.checkDims(vector);
    let slot = this.slotOf.get(label);
    if (slot === undefined) {
      slot = this.labels.length;
      if ((slot + 1) * this.dims > this.data.length) this.grow();
      this.labels.push(label);
      this.slotOf.set(label, slot);
    }
    this.data.set(vector, slot * this.dims);
  }

  /** Moves the last vector into the freed slot, so the scan stays over a dense prefix. */
  remove(label: number): void {
    const slot = this.slotOf.get(label);
    if (slot === undefined) return;
    const last = this.labels.length - 1;
    const lastLabel = this.labels[last] ?? label;
    if (slot !== last) {
      this.data.copyWithin(slot * this.dims, last * this.dims, (last + 1) * this.dims);
      this.labels[slot] = lastLabel;
      this.slotOf.set(lastLabel, slot);
    }
    this.labels.pop();
    this.slotOf.delete(label);
  }

  has(label: number): boolean {
    return this.slotOf.has(label);
  }

  search(vector: Float32Array, k: number): Neighbor[] {
    this.checkDims(vector);
    const n = Math.min(Math.floor(k), this.labels.length);
    if (n <= 0) return [];
    const top: Neighbor[] = [];
    const dims = this.dims;
    const data = this.data;
    for (let slot = 0; slot < this.labels.length; slot++) {
      let dot = 0;
      const base = slot * dims;
      for (let d = 0; d < dims; d++) dot += (data[base + d] ?? 0) * (vector[d] ?? 0);
      const worst = top[top.length - 1];
      if (top.length < n || (worst && isBetter(dot, this.labels[slot] ?? 0, worst))) insertSorted(top, { label: this.labels[slot] ?? 0, similarity: dot }, n);
    }
    return top;
  }

  describe(): IndexDescription {
    return { kind: 'brute-force', dims: this.dims, size: this.size, capacity: this.data.length / this.dims };
  }

  private grow(): void {
    const next = new Float32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }

  private checkDims(vector: Float32Array): void {
    if (vector.length !== this.dims) throw new AppError('DIMENSION_MISMATCH', `vector has ${vector.length} dimensions, the index ${this.dims}`);
  }
}

/** Higher similarity first; equal similarity goes to the smaller label, so results are deterministic. */
function isBetter(similarity: number, label: number, than: Neighbor): boolean {
  return similarity > than.similarity || (similarity === than.similarity && label < than.label);
}

/** Keeps `top` sorted best-first and at most `limit` long (insertion: k is small). */
function insertSorted(top: Neighbor[], item: Neighbor, limit: number): void {
  let i = top.length;
  while (i > 0 && isBetter(item.similarity, item.label, top[i - 1] ?? item)) i--;
  top.splice(i, 0, item);
  if (top.length > limit) top.pop();
}
